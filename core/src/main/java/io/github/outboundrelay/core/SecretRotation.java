package io.github.outboundrelay.core;

import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.SettingsEvents;

/**
 * Key rotation: a new active key, then every stored relay password sealed again under it. Safe to run again after an
 * interruption: passwords already under the active key are left alone. Only admins rotate keys (WebAdmin): each
 * rotation is recorded in the audit trail as theirs.
 */
public class SecretRotation {
    private static final Logger LOGGER = LoggerFactory.getLogger(SecretRotation.class);

    /** @param retiredKeys ids of the keys dropped from the key file (empty unless asked for) */
    public record Result(String activeKeyId, int resealed, Set<String> retiredKeys) {
    }

    private final RotatingSecretSealer sealer;
    private final SendAsRegistry registry;
    private final SettingsEvents events;

    @Inject
    public SecretRotation(RotatingSecretSealer sealer, SendAsRegistry registry, SettingsEvents events) {
        this.sealer = sealer;
        this.registry = registry;
        this.events = events;
    }

    public Result rotate() {
        return rotate(false);
    }

    /**
     * @param retireUnusedKeys once every password is sealed under the new key, drop from the key file the keys no
     *                         stored password uses any more (an explicit admin choice: with several nodes, every node
     *                         must have the new key file first, see the README)
     */
    public synchronized Result rotate(boolean retireUnusedKeys) {
        String active = sealer.rotate();
        int resealed = 0;
        for (SendAsAddress sendAs : registry.all()) {
            if (!sendAs.relayPassword().keyId().equals(active)) {
                SealedSecret fresh = sealer.seal(sealer.open(sendAs.relayPassword(), sendAs.key()), sendAs.key());
                registry.register(sendAs.withRelayPassword(fresh));
                resealed++;
            }
        }
        Set<String> retired = Set.of();
        if (retireUnusedKeys) {
            Set<String> inUse = registry.all().stream().map(sendAs -> sendAs.relayPassword().keyId()).collect(Collectors.toSet());
            retired = sealer.retireAllBut(inUse);
        }
        LOGGER.info("outbound-relay: relay secret key rotated to {}; {} relay passwords sealed again; {} old key(s) retired",
            active, resealed, retired.size());
        events.keysRotated(Actor.ADMIN, active, resealed);
        return new Result(active, resealed, retired);
    }
}
