package io.github.outboundrelay.core.secrets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * Seals again the send-as secrets stored while they were bound to their address only (before they were bound to their
 * owner, relay and account, see {@link RelayCredential}). Nothing else opens the old form. A persistent store runs it
 * once, when it first opens with this version, and records that it did (store-jdbc's outbound_relay_upgrade): were it
 * run at every start, a secret sealed the old way and written into a row afterwards, behind the application's back,
 * would be bound to whatever relay that row names; run once, such a secret never opens.
 *
 * <p>Idempotent and safe with several nodes on one store: a secret that opens in the bound form is left alone, and the
 * replacement only happens while the row still holds the secret that was read. A secret that opens in neither form
 * (its key missing) is left as it is: delivery then tells its owner to enter the password again, as before.</p>
 */
public final class SecretBindingUpgrade {
    private static final Logger LOGGER = LoggerFactory.getLogger(SecretBindingUpgrade.class);
    private static final String LEGACY_OAUTH_PREFIX = "oauth-refresh:";

    private SecretBindingUpgrade() {
    }

    /** @return how many secrets were sealed again */
    public static int run(SendAsRegistry registry, SecretSealer sealer) {
        int resealed = 0;
        for (SendAsAddress sendAs : registry.all()) {
            if (!sendAs.hasRelay()) {
                continue; // no relay, no secret
            }
            RelayCredential credential = sendAs.requireRelayAccount().credential();
            String bound = credential.sealingContext(sendAs);
            if (opens(sealer, credential.secret(), bound)) {
                continue;
            }
            String legacy = legacyContextOf(sendAs);
            if (!opens(sealer, credential.secret(), legacy)) {
                LOGGER.warn("outbound-relay: the stored {} of {} opens with no key of this server; its owner must enter it again",
                    credential.kind(), sendAs.address().asString());
                continue;
            }
            SealedSecret rebound = sealer.seal(sealer.open(credential.secret(), legacy), bound);
            if (registry.replaceSecret(sendAs.key(), credential.secret(), rebound)) {
                resealed++;
            }
        }
        if (resealed > 0) {
            LOGGER.info("outbound-relay: {} stored relay secrets sealed again, bound to their owner, relay and account", resealed);
        }
        return resealed;
    }

    private static String legacyContextOf(SendAsAddress sendAs) {
        return sendAs.usesOAuth() ? LEGACY_OAUTH_PREFIX + sendAs.key() : sendAs.key();
    }

    private static boolean opens(SecretSealer sealer, SealedSecret secret, String context) {
        try {
            sealer.open(secret, context);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
