package io.github.outboundrelay.core.oauth;

import java.time.Instant;
import java.util.Objects;

/** A bearer access token and when it expires. The value is never in toString. */
public record AccessToken(String value, Instant expiresAt) {
    public AccessToken {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an access token needs a value");
        }
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "AccessToken[****, expires " + expiresAt + "]";
    }
}
