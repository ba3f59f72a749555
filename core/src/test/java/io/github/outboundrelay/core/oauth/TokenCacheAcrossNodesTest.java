package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.users.DeletedUserSweep;
import io.github.outboundrelay.testing.OAuthTestServerExtension;

/**
 * Two nodes over one store: each its own token cache, the registry and the providers shared (what the JDBC store
 * gives every node), against a real authorization OAUTH.server(). Another node's cached token is never served for an address
 * removed and connected again, nor after its provider changed; the deleted-user sweep clears what is no longer held.
 */
class TokenCacheAcrossNodesTest {
    private static final Username ALICE = Username.of("alice@ourdomain.test");
    private static final String ACCOUNT = "alice@partner.test";
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension(ACCOUNT);

    private final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    private final InMemoryOAuthProviders providers = new InMemoryOAuthProviders();
    private final OAuthTokenClient client = OAuthFixtures.client(Clock.systemUTC());
    private final AccessTokenCache nodeA = new AccessTokenCache(client, Clock.systemUTC(), AccessTokenCache.DEFAULT_MARGIN);
    private final AccessTokenCache nodeB = new AccessTokenCache(client, Clock.systemUTC(), AccessTokenCache.DEFAULT_MARGIN);
    private MailAddress address;

    @BeforeEach
    void connect() throws Exception {
        providers.save(OAuthFixtures.provider(OAUTH.server()));
        address = new MailAddress(ACCOUNT);
        connectAs(ACCOUNT);
    }

    @Test
    void anAddressRemovedAndConnectedAgainOnOneNodeNeverGetsTheTokenOfTheGrantBeforeOnAnother() throws Exception {
        AccessToken before = nodeB.get(grant());
        assertThat(OAUTH.server().validator().validate(before.value())).isEqualTo(ACCOUNT);

        // On node A: removed, then connected again by the same user, same provider, same account name typed, but
        // whoever signed in at the provider this time (another account there).
        registry.remove(ALICE, address);
        connectAs("mallory@partner.test");

        AccessToken after = nodeB.get(grant());
        assertThat(after.value()).isNotEqualTo(before.value());
        assertThat(OAUTH.server().validator().validate(after.value())).isEqualTo("mallory@partner.test");
    }

    @Test
    void aProviderChangedOnAnotherNodeIsNotServedATokenObtainedBeforeTheChange() throws Exception {
        AccessToken before = nodeB.get(grant());
        OAuthProvider provider = providers.find("partner").orElseThrow();
        providers.save(new OAuthProvider(provider.id(), provider.authorizationEndpoint(), provider.tokenEndpoint(),
            provider.deviceAuthorizationEndpoint(), provider.clientId(), provider.clientSecret(),
            List.of("openid", "smtp", "offline_access", "profile"), provider.authorizationParameters(), provider.relay()));
        int refreshes = OAUTH.server().tokensIssued("refresh_token");

        assertThat(nodeB.get(grant()).value()).isNotEqualTo(before.value());
        assertThat(OAUTH.server().tokensIssued("refresh_token")).isEqualTo(refreshes + 1);
    }

    @Test
    void theDeletedUserSweepClearsTheTokensOfGrantsNoLongerHeldOnEveryNode() throws Exception {
        OAUTH.server().revokeGrants(true);
        assertThatThrownBy(() -> nodeA.get(grant())).isInstanceOf(OAuthException.class);
        OAuthGrant refused = grant();
        assertThat(nodeA.accountsNeedingReconnect()).containsExactly(refused.key());
        UsersRepository users = mock(UsersRepository.class);
        when(users.contains(ALICE)).thenReturn(false);

        // Node B's sweep removes the address of the deleted user from the store; node A's finds nothing to remove.
        assertThat(sweepOf(nodeB, users).sweep()).isEqualTo(1);
        assertThat(sweepOf(nodeA, users).sweep()).isZero();

        assertThat(nodeA.accountsNeedingReconnect()).isEmpty();
        assertThat(nodeA.reconnectNeeded(refused.key())).isFalse();
    }

    private DeletedUserSweep sweepOf(AccessTokenCache node, UsersRepository users) {
        return new DeletedUserSweep(registry, new InMemoryVerifications(), users, new SettingsEvents(new InMemorySettingsEventLog()),
            node, Duration.ofHours(1));
    }

    /** The user connects the address with whoever signs in at the provider: a new grant in the store. */
    private void connectAs(String signedIn) throws Exception {
        OAUTH.server().signInAs(signedIn);
        registry.register(OAuthFixtures.connectedAddress(OAUTH.server(), providers.find("partner").orElseThrow(), ALICE, address));
    }

    /** The grant a delivery on either node uses: the address as the store has it now. */
    private OAuthGrant grant() {
        return OAuthFixtures.grantOf(registry, providers, address);
    }
}
