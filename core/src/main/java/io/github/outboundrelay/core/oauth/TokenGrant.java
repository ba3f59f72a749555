package io.github.outboundrelay.core.oauth;

import java.util.Objects;
import java.util.Optional;

/**
 * What a token endpoint answered: the access token, and the refresh token when it issued one (on a refresh, a
 * provider that rotates refresh tokens returns a new one, which replaces the old; one that does not keeps the old
 * valid). No value is ever in toString.
 */
public record TokenGrant(AccessToken accessToken, Optional<String> refreshToken, String scope) {
    public TokenGrant {
        Objects.requireNonNull(accessToken, "accessToken");
        refreshToken = Objects.requireNonNullElse(refreshToken, Optional.<String>empty()).filter(token -> !token.isBlank());
        scope = Objects.requireNonNullElse(scope, "");
    }

    @Override
    public String toString() {
        return "TokenGrant[" + accessToken + ", refresh token " + (refreshToken.isPresent() ? "****" : "none")
            + ", scope '" + scope + "']";
    }
}
