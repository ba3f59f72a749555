package io.github.outboundrelay.core;

import java.util.Objects;

/**
 * How a send-as address authenticates at its relay: a relay password, or an OAuth 2.0 grant of a provider set by the
 * admin (its refresh token). Either way the secret is sealed; each kind is sealed against its own context, so a sealed
 * refresh token copied into the password column (or the reverse) does not open.
 */
public sealed interface RelayCredential permits RelayCredential.Password, RelayCredential.OAuth {
    /** The sealed secret: the password, or the refresh token. */
    SealedSecret secret();

    /** The context {@link #secret()} is sealed against, for the address of that {@link SendAsKey}. */
    String sealingContext(String sendAsKey);

    /** The same credential holding another sealing of its secret (a rotated refresh token, a new key). */
    RelayCredential withSecret(SealedSecret secret);

    /** {@code password} or {@code oauth}, as the APIs, the audit trail and the metrics name it. */
    String kind();

    record Password(SealedSecret secret) implements RelayCredential {
        public Password {
            Objects.requireNonNull(secret, "password");
        }

        @Override
        public String sealingContext(String sendAsKey) {
            return sendAsKey;
        }

        @Override
        public RelayCredential withSecret(SealedSecret secret) {
            return new Password(secret);
        }

        @Override
        public String kind() {
            return "password";
        }
    }

    /** @param providerId the {@link io.github.outboundrelay.core.oauth.OAuthProvider} that issued the grant */
    record OAuth(String providerId, SealedSecret refreshToken) implements RelayCredential {
        public static final String CONTEXT_PREFIX = "oauth-refresh:";

        public OAuth {
            if (providerId == null || providerId.isBlank()) {
                throw new InvalidFieldException("provider", "is required");
            }
            Objects.requireNonNull(refreshToken, "refreshToken");
        }

        @Override
        public SealedSecret secret() {
            return refreshToken;
        }

        @Override
        public String sealingContext(String sendAsKey) {
            return CONTEXT_PREFIX + sendAsKey;
        }

        @Override
        public RelayCredential withSecret(SealedSecret secret) {
            return new OAuth(providerId, secret);
        }

        @Override
        public String kind() {
            return "oauth";
        }
    }
}
