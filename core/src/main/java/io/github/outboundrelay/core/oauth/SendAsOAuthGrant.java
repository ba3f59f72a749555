package io.github.outboundrelay.core.oauth;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * The OAuth grant of a send-as address, over its sealed refresh token in the registry: the token is read from the
 * registry and opened only when the cache refreshes (so a rotation stored by another thread or node is used), and a
 * rotated token is sealed and stored in place of the one that was sent. A grant marked "reconnect needed" (by any
 * node) is never sent again: the user connects the account again.
 *
 * <p>An address being saved is tried before it is stored: its grant ({@link #unsaved}) holds the new address in
 * memory, and keeps a rotation there too, for the settings to store ({@link #unsavedCredential()}).</p>
 */
public final class SendAsOAuthGrant implements OAuthGrant {
    private static final Logger LOGGER = LoggerFactory.getLogger(SendAsOAuthGrant.class);
    private final GrantKey key;
    private final String sendAsKey;
    private final OAuthProvider provider;
    /** Null for an address not stored yet. */
    private final SendAsRegistry registry;
    private final SecretSealer sealer;
    /** The address being saved, with its credential, for a grant made with {@link #unsaved}; null otherwise. */
    private volatile SendAsAddress unsaved;
    /** The sealed token the last refresh started from: a rotation replaces exactly that one. */
    private volatile SealedSecret lastOpened;

    /** The grant {@code sendAs} holds (an OAuth credential), over the registry. */
    public SendAsOAuthGrant(SendAsAddress sendAs, OAuthProvider provider, SendAsRegistry registry, SecretSealer sealer) {
        this(sendAs, provider, registry, sealer, null);
    }

    private SendAsOAuthGrant(SendAsAddress sendAs, OAuthProvider provider, SendAsRegistry registry, SecretSealer sealer,
                             SendAsAddress unsaved) {
        this.key = keyOf(sendAs).orElseThrow(() -> new IllegalArgumentException(sendAs + " holds no OAuth grant"));
        this.sendAsKey = sendAs.key();
        this.provider = provider;
        this.registry = registry;
        this.sealer = sealer;
        this.unsaved = unsaved;
    }

    /** The grant of an address being saved (its credential an OAuth one), before it is stored. */
    public static SendAsOAuthGrant unsaved(SendAsAddress sendAs, OAuthProvider provider, SecretSealer sealer) {
        return new SendAsOAuthGrant(sendAs, provider, null, sealer, sendAs);
    }

    /** For a grant made with {@link #unsaved}: its credential, with the refresh token the provider rotated meanwhile. */
    public RelayCredential.OAuth unsavedCredential() {
        return (RelayCredential.OAuth) unsaved.requireRelayAccount().credential();
    }

    /** The grant a send-as address holds, when it authenticates with one. */
    public static Optional<GrantKey> keyOf(SendAsAddress sendAs) {
        return sendAs.oauthCredential().map(oauth -> new GrantKey(sendAs.owner(), sendAs.key(), oauth.providerId(),
            sendAs.requireRelayAccount().username(), oauth.grantId()));
    }

    /** Whether the registry's address still holds that very grant: not removed, not connected again since. */
    public static boolean isHeld(SendAsRegistry registry, GrantKey key) {
        return registry.findByKey(key.address()).flatMap(SendAsOAuthGrant::keyOf).filter(key::equals).isPresent();
    }

    @Override
    public GrantKey key() {
        return key;
    }

    @Override
    public OAuthProvider provider() {
        return provider;
    }

    @Override
    public String refreshToken() throws OAuthException {
        SendAsAddress sendAs = current()
            .orElseThrow(() -> new OAuthException(OAuthException.Kind.RECONNECT_NEEDED, "",
                sendAsKey + " holds no OAuth grant any more, or another one"));
        RelayCredential credential = sendAs.requireRelayAccount().credential();
        if (((RelayCredential.OAuth) credential).reconnectNeeded()) {
            // Refused by the provider on some node, or its token endpoint moved: sent nowhere until connected again.
            throw new OAuthException(OAuthException.Kind.RECONNECT_NEEDED, "", "The OAuth grant of " + sendAsKey
                + " must be connected again (the provider refused it, or the provider's token endpoint changed)");
        }
        SealedSecret refreshToken = credential.secret();
        try {
            String clear = sealer.open(refreshToken, credential.sealingContext(sendAs));
            lastOpened = refreshToken;
            return clear;
        } catch (RuntimeException e) {
            throw new OAuthException(OAuthException.Kind.RECONNECT_NEEDED, "", "The stored refresh token of " + sendAsKey
                + " cannot be opened on this server (sealing key " + refreshToken.keyId() + " missing, or the entry was "
                + "changed or damaged)");
        }
    }

    @Override
    public void refreshTokenRotated(String newRefreshToken) {
        if (registry == null) {
            SendAsAddress sendAs = unsaved;
            RelayCredential credential = sendAs.requireRelayAccount().credential();
            unsaved = sendAs.withCredential(credential.withSecret(sealer.seal(newRefreshToken, credential.sealingContext(sendAs))));
            return;
        }
        SealedSecret previous = lastOpened;
        // Sealed for the entry that still holds the token that was sent (replaceSecret changes nothing otherwise).
        current().filter(sendAs -> previous != null && sendAs.requireRelayAccount().credential().secret().equals(previous))
            .ifPresent(sendAs -> registry.replaceSecret(sendAsKey, previous,
                sealer.seal(newRefreshToken, sendAs.requireRelayAccount().credential().sealingContext(sendAs))));
    }

    /** Stored, so that every node and the users' page say "reconnect", not only the node that was refused. */
    @Override
    public void refreshTokenJudged(boolean refused) {
        SealedSecret judged = lastOpened;
        if (registry == null || judged == null) {
            return;
        }
        try {
            registry.markReconnectNeeded(sendAsKey, judged, refused);
        } catch (StoreUnavailableException e) {
            // This node still knows (its token cache); the others learn it when they try the token themselves.
            LOGGER.warn("outbound-relay: could not store whether {} must be reconnected: {}", sendAsKey, e.getMessage());
        }
    }

    /** The address as it is now, while it holds this very grant (removed and connected again: another grant). */
    private Optional<SendAsAddress> current() {
        return registry == null ? Optional.of(unsaved)
            : registry.findByKey(sendAsKey).filter(sendAs -> keyOf(sendAs).filter(key::equals).isPresent());
    }

    @Override
    public String toString() {
        return "SendAsOAuthGrant[" + sendAsKey + " via " + provider.id() + "]";
    }
}
