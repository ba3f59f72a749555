package io.github.outboundrelay.core.oauth;

import java.util.Optional;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SealedSecret;
import io.github.outboundrelay.core.SecretSealer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsRegistry;

/**
 * The OAuth grant of a send-as address, over its sealed refresh token in the registry: the token is read from the
 * registry and opened only when the cache refreshes (so a rotation stored by another thread or node is used), and a
 * rotated token is sealed and stored in place of the one that was sent.
 *
 * <p>An address being saved is tried before it is stored: its grant ({@link #unsaved}) holds the new credential in
 * memory, and keeps a rotation there too, for the settings to store ({@link #unsavedCredential()}).</p>
 */
public final class SendAsOAuthGrant implements OAuthGrant {
    private final String sendAsKey;
    private final OAuthProvider provider;
    /** Null for an address not stored yet. */
    private final SendAsRegistry registry;
    private final SecretSealer sealer;
    private volatile RelayCredential.OAuth unsaved;
    /** The sealed token the last refresh started from: a rotation replaces exactly that one. */
    private volatile SealedSecret lastOpened;

    public SendAsOAuthGrant(String sendAsKey, OAuthProvider provider, SendAsRegistry registry, SecretSealer sealer) {
        this(sendAsKey, provider, registry, sealer, null);
    }

    private SendAsOAuthGrant(String sendAsKey, OAuthProvider provider, SendAsRegistry registry, SecretSealer sealer,
                             RelayCredential.OAuth unsaved) {
        this.sendAsKey = sendAsKey;
        this.provider = provider;
        this.registry = registry;
        this.sealer = sealer;
        this.unsaved = unsaved;
    }

    /** The grant of an address being saved, over its new credential, before it is stored. */
    public static SendAsOAuthGrant unsaved(String sendAsKey, OAuthProvider provider, SecretSealer sealer,
                                           RelayCredential.OAuth credential) {
        return new SendAsOAuthGrant(sendAsKey, provider, null, sealer, credential);
    }

    /** For a grant made with {@link #unsaved}: its credential, with the refresh token the provider rotated meanwhile. */
    public RelayCredential.OAuth unsavedCredential() {
        return unsaved;
    }

    private static final String ACCOUNT_KEY_PREFIX = "send-as:";

    /** The token cache's key of the account of a send-as address. */
    public static String accountKeyOf(String sendAsKey) {
        return ACCOUNT_KEY_PREFIX + sendAsKey;
    }

    /** The send-as address key of a token cache's account key made by {@link #accountKeyOf}. */
    public static Optional<String> sendAsKeyOf(String accountKey) {
        return accountKey.startsWith(ACCOUNT_KEY_PREFIX)
            ? Optional.of(accountKey.substring(ACCOUNT_KEY_PREFIX.length())) : Optional.empty();
    }

    @Override
    public String accountKey() {
        return accountKeyOf(sendAsKey);
    }

    @Override
    public OAuthProvider provider() {
        return provider;
    }

    @Override
    public String refreshToken() throws OAuthException {
        RelayCredential.OAuth credential = registry == null ? unsaved : registry.findByKey(sendAsKey)
            .map(SendAsAddress::credential)
            .filter(RelayCredential.OAuth.class::isInstance)
            .map(RelayCredential.OAuth.class::cast)
            .orElseThrow(() -> new OAuthException(OAuthException.Kind.RECONNECT_NEEDED, "",
                sendAsKey + " holds no OAuth grant any more"));
        try {
            String clear = sealer.open(credential.refreshToken(), credential.sealingContext(sendAsKey));
            lastOpened = credential.refreshToken();
            return clear;
        } catch (RuntimeException e) {
            throw new OAuthException(OAuthException.Kind.RECONNECT_NEEDED, "", "The stored refresh token of " + sendAsKey
                + " cannot be opened on this server (sealing key " + credential.refreshToken().keyId() + " missing or damaged)");
        }
    }

    @Override
    public void refreshTokenRotated(String newRefreshToken) {
        SealedSecret sealed = sealer.seal(newRefreshToken, RelayCredential.OAuth.CONTEXT_PREFIX + sendAsKey);
        if (registry == null) {
            unsaved = new RelayCredential.OAuth(provider.id(), sealed);
            return;
        }
        SealedSecret previous = lastOpened;
        if (previous != null) {
            registry.replaceSecret(sendAsKey, previous, sealed);
        }
    }

    /** The pool key part of this account: pooled sessions are keyed by it, so they outlive token refreshes. */
    public String sessionIdentity() {
        return "oauth|" + provider.id() + "|" + sendAsKey;
    }

    @Override
    public String toString() {
        return "SendAsOAuthGrant[" + sendAsKey + " via " + provider.id() + "]";
    }
}
