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

import io.github.outboundrelay.core.InMemorySendAsRegistry;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.InMemoryOAuthProviders;
import io.github.outboundrelay.core.oauth.OAuthException;
import io.github.outboundrelay.core.oauth.OAuthFixtures;
import io.github.outboundrelay.core.oauth.OAuthGrant;
import io.github.outboundrelay.core.oauth.OAuthProvider;
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
    final OAuthProviderSettings settings = new OAuthProviderSettings(providers, registry, cache);
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

    private void connected(Username owner, String address, OAuthProvider provider) throws Exception {
        registry.register(OAuthFixtures.connectedAddress(OAUTH.server(), provider, owner, new MailAddress(address)));
    }

    private boolean reconnectNeeded(String address) throws Exception {
        return ((RelayCredential.OAuth) registry.find(new MailAddress(address)).orElseThrow().credential()).reconnectNeeded();
    }

    private OAuthGrant grant(String address) throws Exception {
        return OAuthFixtures.grantOf(registry, providers, new MailAddress(address));
    }
}
