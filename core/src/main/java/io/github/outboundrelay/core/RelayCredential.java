package io.github.outboundrelay.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import org.apache.james.core.Username;

import io.github.outboundrelay.core.secrets.SealedSecret;

/**
 * How a send-as address authenticates at its relay: a relay password, or an OAuth 2.0 grant of a provider set by the
 * admin (its refresh token). Either way the secret is sealed against a context naming everything it may be used with:
 * a password is bound to its owner, address, relay (host, port, security) and relay username; a refresh token to its
 * owner, address, provider and account username (it only ever goes to the provider's token endpoint, which the admin
 * sets). So a sealed secret copied onto another row, or a row whose owner, relay or account was changed in the store
 * behind the application's back, does not open; a refresh token copied into a password row (or the reverse) neither.
 */
public sealed interface RelayCredential permits RelayCredential.Password, RelayCredential.OAuth {
    /** The sealed secret: the password, or the refresh token. */
    SealedSecret secret();

    /** The context {@link #secret()} is sealed against, for the address {@code sendAs} that holds this credential. */
    String sealingContext(SendAsAddress sendAs);

    /**
     * The same credential holding another sealing of its secret (a rotated refresh token, a new key); an OAuth grant
     * marked {@link OAuth#reconnectNeeded()} stays marked.
     */
    RelayCredential withSecret(SealedSecret secret);

    /** {@code password} or {@code oauth}, as the APIs, the audit trail and the metrics name it. */
    String kind();

    record Password(SealedSecret secret) implements RelayCredential {
        public Password {
            Objects.requireNonNull(secret, "password");
        }

        /** The context a password for this owner, address, relay and relay username is sealed against. */
        public static String contextFor(Username owner, String sendAsKey, RelayServer relay, String relayUsername) {
            return bound("password", owner.asString(), sendAsKey, relay.host(), Integer.toString(relay.port()),
                relay.security().name(), relayUsername);
        }

        @Override
        public String sealingContext(SendAsAddress sendAs) {
            RelayAccount account = sendAs.requireRelayAccount();
            return contextFor(sendAs.owner(), sendAs.key(), account.server(), account.username());
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

    /**
     * @param providerId      the {@link io.github.outboundrelay.core.oauth.OAuthProvider} that issued the grant
     * @param reconnectNeeded the provider refused this refresh token ({@code invalid_grant}) on some node: the user
     *                        must connect the account again (which stores a new, unmarked grant)
     * @param grantId         which connection of the account this is: a new one each time the account is connected
     *                        (derived from the refresh token's first sealing, unique by its random nonce), kept while
     *                        the refresh token rotates or is sealed again; what tells another node's token cache that an
     *                        address removed and connected again is not the grant it holds tokens of
     */
    record OAuth(String providerId, SealedSecret refreshToken, boolean reconnectNeeded, String grantId) implements RelayCredential {
        /** A grant just connected. */
        public OAuth(String providerId, SealedSecret refreshToken) {
            this(providerId, refreshToken, false);
        }

        /** A grant whose id is derived from {@code refreshToken}, as when it was connected. */
        public OAuth(String providerId, SealedSecret refreshToken, boolean reconnectNeeded) {
            this(providerId, refreshToken, reconnectNeeded, null);
        }

        /** @param grantId null: derived from {@code refreshToken}, the sealing it was connected with */
        public OAuth {
            if (providerId == null || providerId.isBlank()) {
                throw new InvalidFieldException("provider", "is required");
            }
            Objects.requireNonNull(refreshToken, "refreshToken");
            grantId = grantId == null ? grantIdOf(refreshToken) : grantId;
        }

        private static String grantIdOf(SealedSecret firstSealing) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest((firstSealing.keyId() + ":" + firstSealing.sealed())
                    .getBytes(StandardCharsets.UTF_8));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }

        @Override
        public SealedSecret secret() {
            return refreshToken;
        }

        /** The context a refresh token for this owner, address, provider and account username is sealed against. */
        public static String contextFor(Username owner, String sendAsKey, String providerId, String accountUsername) {
            return bound("oauth-refresh", owner.asString(), sendAsKey, providerId, accountUsername);
        }

        @Override
        public String sealingContext(SendAsAddress sendAs) {
            return contextFor(sendAs.owner(), sendAs.key(), providerId, sendAs.requireRelayAccount().username());
        }

        @Override
        public RelayCredential withSecret(SealedSecret secret) {
            return new OAuth(providerId, secret, reconnectNeeded, grantId);
        }

        /** This grant, marked refused by the provider (or no longer). */
        public OAuth withReconnectNeeded(boolean needed) {
            return new OAuth(providerId, refreshToken, needed, grantId);
        }

        @Override
        public String kind() {
            return "oauth";
        }
    }

    /** Each part length-prefixed, so that no two different lists of parts give the same context. */
    private static String bound(String kind, String... parts) {
        StringBuilder context = new StringBuilder("outbound-relay/2/").append(kind);
        for (String part : parts) {
            context.append('/').append(part.length()).append(':').append(part);
        }
        return context.toString();
    }
}
