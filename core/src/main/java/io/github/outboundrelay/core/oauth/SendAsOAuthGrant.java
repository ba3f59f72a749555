package io.github.outboundrelay.core.oauth;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SealedSecret;
import io.github.outboundrelay.core.SecretSealer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsRegistry;

/**
 * The OAuth grant of a send-as address, over its sealed refresh token in the registry: the token is read from the
 * registry and opened only when the cache refreshes (so a rotation stored by another thread or node is used), and a
 * rotated token is sealed and stored in place of the one that was sent.
 */
public final class SendAsOAuthGrant implements OAuthGrant {
    private final String sendAsKey;
    private final OAuthProvider provider;
    private final SendAsRegistry registry;
    private final SecretSealer sealer;
    /** The sealed token the last refresh started from: a rotation replaces exactly that one. */
    private volatile SealedSecret lastOpened;

    public SendAsOAuthGrant(String sendAsKey, OAuthProvider provider, SendAsRegistry registry, SecretSealer sealer) {
        this.sendAsKey = sendAsKey;
        this.provider = provider;
        this.registry = registry;
        this.sealer = sealer;
    }

    /** The token cache's key of the account of a send-as address. */
    public static String accountKeyOf(String sendAsKey) {
        return "send-as:" + sendAsKey;
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
        RelayCredential.OAuth credential = registry.findByKey(sendAsKey)
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
