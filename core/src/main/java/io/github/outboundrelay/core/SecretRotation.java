package io.github.outboundrelay.core;

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

    public record Result(String activeKeyId, int resealed) {
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

    public synchronized Result rotate() {
        String active = sealer.rotate();
        int resealed = 0;
        for (SendAsAddress sendAs : registry.all()) {
            if (!sendAs.relayPassword().keyId().equals(active)) {
                SealedSecret fresh = sealer.seal(sealer.open(sendAs.relayPassword(), sendAs.key()), sendAs.key());
                registry.register(new SendAsAddress(sendAs.address(), sendAs.owner(), sendAs.relay(), sendAs.relayUsername(), fresh));
                resealed++;
            }
        }
        LOGGER.info("outbound-relay: relay secret key rotated to {}; {} relay passwords sealed again", active, resealed);
        events.keysRotated(Actor.ADMIN, active, resealed);
        return new Result(active, resealed);
    }
}
