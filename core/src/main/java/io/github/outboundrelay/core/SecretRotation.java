package io.github.outboundrelay.core;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key rotation: a new active key, then every stored relay password sealed again under it. Safe to run again after an
 * interruption: passwords already under the active key are left alone.
 */
public class SecretRotation {
    private static final Logger LOGGER = LoggerFactory.getLogger(SecretRotation.class);

    public record Result(String activeKeyId, int resealed) {
    }

    private final RotatingSecretSealer sealer;
    private final SendAsRegistry registry;

    @Inject
    public SecretRotation(RotatingSecretSealer sealer, SendAsRegistry registry) {
        this.sealer = sealer;
        this.registry = registry;
    }

    public synchronized Result rotate() {
        String active = sealer.rotate();
        int resealed = 0;
        for (SendAsAddress sendAs : registry.all()) {
            if (!sendAs.relayPassword().keyId().equals(active)) {
                SealedSecret fresh = sealer.seal(sealer.open(sendAs.relayPassword(), sendAs.key()), sendAs.key());
                registry.register(sendAs.withRelayPassword(fresh));
                resealed++;
            }
        }
        LOGGER.info("outbound-relay: relay secret key rotated to {}; {} relay passwords sealed again", active, resealed);
        return new Result(active, resealed);
    }
}
