package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.secrets.SecretRotation;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.testing.OAuthTestServerExtension;

/**
 * The OAuth grant of a send-as address against a real authorization server: the refresh token is read sealed from the
 * registry, a rotated one is sealed and stored in its place, and a revoked grant is "reconnect needed".
 */
class SendAsOAuthGrantTest {
    private static final Username ALICE = Username.of("alice@ourdomain.test");
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension("alice@partner.test");

    private final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    private final InMemoryOAuthProviders providers = new InMemoryOAuthProviders();
    private final AccessTokenCache cache = new AccessTokenCache(OAuthFixtures.client(Clock.systemUTC()), Clock.systemUTC(),
        AccessTokenCache.DEFAULT_MARGIN);
    private MailAddress address;
    private String firstRefreshToken;

    @BeforeEach
    void connect() throws Exception {
        OAuthProvider provider = OAuthFixtures.provider(OAUTH.server());
        providers.save(provider);
        firstRefreshToken = OAuthFixtures.connect(OAUTH.server(), OAuthFixtures.client(Clock.systemUTC()), provider).refreshToken().orElseThrow();
        address = new MailAddress("alice@partner.test");
        String key = SendAsKey.of(address);
        registry.register(new SendAsAddress(address, ALICE, provider.relay(), "alice@partner.test",
            new RelayCredential.OAuth(provider.id(), OAuthFixtures.SEALER.seal(firstRefreshToken,
                RelayCredential.OAuth.contextFor(ALICE, key, provider.id(), "alice@partner.test")))));
    }

    private OAuthGrant grant() {
        return OAuthFixtures.grantOf(registry, providers, address);
    }

    private String storedRefreshToken() {
        SendAsAddress stored = registry.find(address).orElseThrow();
        return OAuthFixtures.SEALER.open(stored.requireRelayAccount().credential().secret(), stored.requireRelayAccount().credential().sealingContext(stored));
    }

    @Test
    void aRotatedRefreshTokenIsStoredSealedInPlaceOfTheOneSent() throws Exception {
        cache.get(grant());

        String stored = storedRefreshToken();
        assertThat(stored).isNotEqualTo(firstRefreshToken);
        assertThat(registry.find(address).orElseThrow().requireRelayAccount().credential().secret().sealed()).doesNotContain(stored);
        // The next refresh (another node, or after a restart) starts from the rotated token and works.
        cache.forgetGrants(grant().key()::equals);
        assertThat(cache.get(grant()).value()).isNotBlank();
    }

    @Test
    void aRefreshTokenSealedForAnotherAddressDoesNotOpen() {
        SealedSecret elsewhere = OAuthFixtures.SEALER.seal(firstRefreshToken,
            RelayCredential.OAuth.contextFor(ALICE, "bob@partner.test", "partner", "alice@partner.test"));
        registry.register(registry.find(address).orElseThrow().withCredential(new RelayCredential.OAuth("partner", elsewhere)));

        assertThatThrownBy(() -> cache.get(grant()))
            .isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.RECONNECT_NEEDED));
    }

    @Test
    void aRevokedGrantIsReconnectNeededUntilTheAccountIsConnectedAgain() {
        OAUTH.server().revokeGrants(true);
        OAuthGrant grant = grant();

        assertThatThrownBy(() -> cache.get(grant()))
            .isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.RECONNECT_NEEDED));
        assertThat(cache.reconnectNeeded(grant().key())).isTrue();
        io.github.outboundrelay.core.RelayHealthCheck health = new io.github.outboundrelay.core.RelayHealthCheck(
            new io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog(), cache, registry);
        org.apache.james.core.healthcheck.Result degraded = reactor.core.publisher.Mono.from(health.check()).block();
        assertThat(degraded.isDegraded()).isTrue();
        assertThat(degraded.getCause()).hasValueSatisfying(cause -> assertThat(cause).endsWith(": alice@partner.test"));

        // Removed (here or on another node): nothing to reconnect any more, whatever this cache remembers.
        registry.remove(ALICE, address);
        assertThat(reactor.core.publisher.Mono.from(health.check()).block().isHealthy()).isTrue();

        cache.forgetGrants(grant.key()::equals);
        assertThat(cache.reconnectNeeded(grant.key())).isFalse();
    }

    /** The refusal is stored: another node (its own empty token cache) says "reconnect" without trying the grant. */
    @Test
    void aRevokedGrantIsMarkedInTheRegistryForEveryNode() {
        OAUTH.server().revokeGrants(true);
        assertThatThrownBy(() -> cache.get(grant())).isInstanceOf(OAuthException.class);

        assertThat(((RelayCredential.OAuth) registry.find(address).orElseThrow().requireRelayAccount().credential()).reconnectNeeded()).isTrue();
        AccessTokenCache otherNode = new AccessTokenCache(OAuthFixtures.client(Clock.systemUTC()), Clock.systemUTC(),
            AccessTokenCache.DEFAULT_MARGIN);
        io.github.outboundrelay.core.RelayHealthCheck health = new io.github.outboundrelay.core.RelayHealthCheck(
            new io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog(), otherNode, registry);
        assertThat(reactor.core.publisher.Mono.from(health.check()).block().isDegraded()).isTrue();
    }

    @Test
    void aRemovedProviderLeavesAnUnusableCredentialNamingTheProvider() {
        providers.remove("partner");

        assertThatThrownBy(this::grant)
            .isInstanceOfSatisfying(RelayLogins.UnusableCredentialException.class,
                e -> assertThat(e.field()).isEqualTo("provider"));
    }

    @Test
    void keyRotationResealsRefreshTokensAndClientSecrets() throws Exception {
        java.nio.file.Path keyFile = java.nio.file.Files.createTempDirectory("rotation").resolve("relay-secrets.key");
        io.github.outboundrelay.core.secrets.RotatingSecretSealer sealer = new io.github.outboundrelay.core.secrets.RotatingSecretSealer(keyFile);
        SendAsAddress stored = registry.find(address).orElseThrow();
        String context = RelayCredential.OAuth.contextFor(stored.owner(), stored.key(), "partner", stored.requireRelayAccount().username());
        registry.register(stored.withCredential(new RelayCredential.OAuth("partner", sealer.seal("refresh-1", context))));
        OAuthProvider provider = providers.find("partner").orElseThrow();
        providers.save(provider.withClientSecret(java.util.Optional.of(sealer.seal("client-secret", provider.secretContext()))));

        SecretRotation.Result result = new SecretRotation(sealer, registry, providers, new SettingsEvents(new InMemorySettingsEventLog())).rotate(true);

        SealedSecret refresh = registry.find(address).orElseThrow().requireRelayAccount().credential().secret();
        SealedSecret clientSecret = providers.find("partner").orElseThrow().clientSecret().orElseThrow();
        assertThat(List.of(refresh.keyId(), clientSecret.keyId())).containsOnly(result.activeKeyId());
        assertThat(sealer.open(refresh, context)).isEqualTo("refresh-1");
        assertThat(sealer.open(clientSecret, provider.secretContext())).isEqualTo("client-secret");
        assertThat(result.resealed()).isEqualTo(2);
    }
}
