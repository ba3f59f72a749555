package io.github.outboundrelay.core.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import com.nimbusds.oauth2.sdk.id.State;

/**
 * The {@code state} of an authorization request (RFC 6749 section 10.12): unguessable, kept with the pending
 * connection, and compared in constant time with what the callback brings back, so that a callback forged by another
 * site (login CSRF) is refused.
 */
public final class OAuthState {
    private final String value;

    private OAuthState(String value) {
        this.value = value;
    }

    public static OAuthState create() {
        return new OAuthState(new State(32).getValue()); // 32 random bytes, base64url
    }

    public static OAuthState of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("state is required");
        }
        return new OAuthState(value);
    }

    public String value() {
        return value;
    }

    /** Constant-time: the time taken says nothing about how much of a guess was right. */
    public boolean matches(String received) {
        return received != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
            received.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "OAuthState[****]";
    }
}
