package io.github.outboundrelay.core.secrets;

import java.util.Set;
import java.util.stream.Collectors;

import java.util.Optional;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;

/**
 * Key rotation: a new active key, then every stored secret sealed again under it (relay passwords, OAuth refresh
 * tokens, OAuth providers' client secrets). Safe to run again after an interruption: secrets already under the active
 * key are left alone. Only admins rotate keys (WebAdmin): each rotation is recorded in the audit trail as theirs.
 */
public class SecretRotation {
    private static final Logger LOGGER = LoggerFactory.getLogger(SecretRotation.class);

    /** @param retiredKeys ids of the keys dropped from the key file (empty unless asked for) */
    public record Result(String activeKeyId, int resealed, Set<String> retiredKeys) {
    }

    private final RotatingSecretSealer sealer;
    private final SendAsRegistry registry;
    private final OAuthProviders providers;
    private final SettingsEvents events;

    @Inject
    public SecretRotation(RotatingSecretSealer sealer, SendAsRegistry registry, OAuthProviders providers,
                          SettingsEvents events) {
        this.sealer = sealer;
        this.registry = registry;
        this.providers = providers;
        this.events = events;
    }

    /** Without OAuth providers (tests). */
    public SecretRotation(RotatingSecretSealer sealer, SendAsRegistry registry, SettingsEvents events) {
        this(sealer, registry, new InMemoryOAuthProviders(), events);
    }

    public Result rotate() {
        return rotate(false);
    }

    /**
     * @param retireUnusedKeys once every password is sealed under the new key, drop from the key file the keys no
     *                         stored password uses any more (an explicit admin choice: with several nodes, every node
     *                         must have the new key file first, see the README)
     */
    public Result rotate(boolean retireUnusedKeys) {
        return rotate(Actor.ADMIN, retireUnusedKeys);
    }

    /** The same, recorded in the audit trail as {@code actor}'s (the admin area's signed-in admin). */
    public synchronized Result rotate(Actor actor, boolean retireUnusedKeys) {
        String active = sealer.rotate();
        int resealed = 0;
        for (SendAsAddress sendAs : registry.all()) {
            if (!sendAs.hasRelay()) {
                continue; // no relay, no secret
            }
            RelayCredential credential = sendAs.requireRelayAccount().credential();
            if (!credential.secret().keyId().equals(active)) {
                String context = credential.sealingContext(sendAs);
                SealedSecret fresh = sealer.seal(sealer.open(credential.secret(), context), context);
                // Only if unchanged meanwhile (a refresh token rotated by a delivery thread is newer than ours).
                registry.replaceSecret(sendAs.key(), credential.secret(), fresh);
                resealed++;
            }
        }
        for (OAuthProvider provider : providers.all()) {
            Optional<SealedSecret> secret = provider.clientSecret();
            if (secret.isPresent() && !secret.get().keyId().equals(active)) {
                SealedSecret fresh = sealer.seal(sealer.open(secret.get(), provider.secretContext()), provider.secretContext());
                providers.save(provider.withClientSecret(Optional.of(fresh)));
                resealed++;
            }
        }
        Set<String> retired = Set.of();
        if (retireUnusedKeys) {
            Set<String> inUse = Stream.concat(
                    registry.all().stream().flatMap(sendAs -> sendAs.relayAccount().stream())
                        .map(account -> account.credential().secret().keyId()),
                    providers.all().stream().flatMap(provider -> provider.clientSecret().stream()).map(SealedSecret::keyId))
                .collect(Collectors.toSet());
            retired = sealer.retireAllBut(inUse);
        }
        LOGGER.info("outbound-relay: relay secret key rotated to {}; {} secrets (relay passwords, refresh tokens, client "
            + "secrets) sealed again; {} old key(s) retired",
            active, resealed, retired.size());
        events.keysRotated(actor, active, resealed);
        return new Result(active, resealed, retired);
    }
}
