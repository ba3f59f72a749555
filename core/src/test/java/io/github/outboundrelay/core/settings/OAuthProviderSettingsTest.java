package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthException;
import io.github.outboundrelay.core.oauth.OAuthFixtures;
import io.github.outboundrelay.core.oauth.OAuthGrant;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.testing.OAuthTestServerExtension;

/**
 * A provider whose token endpoint moves: every account connected through it must be connected again, and no refresh
 * token it issued is sent anywhere (here the "new" endpoint is the same test server under another host name, so that
 * any token request reaching it is counted).
 */
class OAuthProviderSettingsTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension("alice@partner.test");

    final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    final InMemoryOAuthProviders providers = new InMemoryOAuthProviders();
    final AccessTokenCache cache = new AccessTokenCache(OAuthFixtures.client(Clock.systemUTC()), Clock.systemUTC(),
        AccessTokenCache.DEFAULT_MARGIN);
    final io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog events = new io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog();
    final OAuthProviderSettings settings = new OAuthProviderSettings(providers, registry, cache, new SettingsEvents(events));
    OAuthProvider partner;

    @BeforeEach
    void connect() throws Exception {
        partner = OAuthFixtures.provider(OAUTH.server());
        // A public client: the partner's secret is sealed for the partner only.
        OAuthProvider other = OAuthFixtures.withTokenEndpoint(partner, "other", partner.tokenEndpoint()).withClientSecret(Optional.empty());
        settings.save(partner);
        settings.save(other);
        connected(ALICE, "alice@partner.test", partner);
        connected(BOB, "bob@other.test", other);
    }

    @Test
    void aMovedTokenEndpointMarksEveryGrantOfThatProviderAndSendsNoRefreshTokenThere() throws Exception {
        settings.save(OAuthFixtures.withTokenEndpoint(partner, "partner", OAuthFixtures.onAnotherHost(partner.tokenEndpoint())));

        assertThat(reconnectNeeded("alice@partner.test")).isTrue();
        assertThat(reconnectNeeded("bob@other.test")).isFalse();
        int requestsBefore = OAUTH.server().tokensIssued("refresh_token") + OAUTH.server().tokenRequestsRefused();
        assertThatThrownBy(() -> cache.get(grant("alice@partner.test")))
            .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.RECONNECT_NEEDED));
        assertThat(OAUTH.server().tokensIssued("refresh_token") + OAUTH.server().tokenRequestsRefused()).isEqualTo(requestsBefore);
        // The other provider's account is untouched.
        assertThat(cache.get(grant("bob@other.test")).value()).isNotBlank();
    }

    @Test
    void anotherChangeOfTheProviderKeepsTheGrants() throws Exception {
        settings.save(new OAuthProvider("partner", partner.authorizationEndpoint(), partner.tokenEndpoint(), Optional.empty(),
            partner.clientId(), partner.clientSecret(), List.of("openid", "smtp", "offline_access", "profile"),
            partner.authorizationParameters(), partner.relay()));

        assertThat(reconnectNeeded("alice@partner.test")).isFalse();
        assertThat(cache.get(grant("alice@partner.test")).value()).isNotBlank();
    }

    @Test
    void everyChangeIsInTheAuditTrailWithTheAdminAndNeverTheClientSecret() {
        Actor root = Actor.admin(Username.of("root@ourdomain.test"));
        settings.save(root, OAuthFixtures.withTokenEndpoint(partner, "partner", OAuthFixtures.onAnotherHost(partner.tokenEndpoint())));
        settings.remove(root, "other");
        settings.remove(root, "nothing-here");

        List<io.github.outboundrelay.core.SettingsEvent> recorded = events.find(Optional.empty(), java.time.Instant.EPOCH, 0, 10);
        assertThat(recorded).extracting(io.github.outboundrelay.core.SettingsEvent::type, io.github.outboundrelay.core.SettingsEvent::actor)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(io.github.outboundrelay.core.SettingsEvent.Type.OAUTH_PROVIDER_SAVED, Actor.ADMIN),
                org.assertj.core.groups.Tuple.tuple(io.github.outboundrelay.core.SettingsEvent.Type.OAUTH_PROVIDER_SAVED, Actor.ADMIN),
                org.assertj.core.groups.Tuple.tuple(io.github.outboundrelay.core.SettingsEvent.Type.OAUTH_PROVIDER_SAVED, root),
                org.assertj.core.groups.Tuple.tuple(io.github.outboundrelay.core.SettingsEvent.Type.OAUTH_PROVIDER_REMOVED, root));
        assertThat(recorded.get(0).detail()).startsWith("partner: added, token endpoint ").endsWith("client secret set");
        assertThat(recorded.get(2).detail()).startsWith("partner: changed").endsWith("token endpoint moved: its accounts must be connected again");
        assertThat(recorded.get(3).detail()).isEqualTo("other");
        assertThat(recorded).extracting(io.github.outboundrelay.core.SettingsEvent::detail).noneMatch(detail -> detail.contains(
            partner.clientSecret().orElseThrow().sealed()));
    }

    private void connected(Username owner, String address, OAuthProvider provider) throws Exception {
        registry.register(OAuthFixtures.connectedAddress(OAUTH.server(), provider, owner, new MailAddress(address)));
    }

    private boolean reconnectNeeded(String address) throws Exception {
        return registry.find(new MailAddress(address)).orElseThrow().oauthCredential().orElseThrow().reconnectNeeded();
    }

    private OAuthGrant grant(String address) throws Exception {
        return OAuthFixtures.grantOf(registry, providers, new MailAddress(address));
    }
}
