package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthFixtures;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.github.outboundrelay.testing.OAuthTestServer;
import io.github.outboundrelay.testing.OAuthTestServerExtension;

/**
 * The code flow a self-service page drives, against a real authorization server (PKCE checked by it): the browser's
 * round trip gives the state and code back, the address is saved with the grant (tried with it first), and a state is
 * good once, for its own user only.
 */
class OAuthCodeConnectionsTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final URI CALLBACK = URI.create("https://mail.ourdomain.test/self-service/oauth/callback");
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension("alice@partner.test");

    final AesGcmSecretSealer sealer = new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k");
    final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    final SendAsSettingsTest.RecordingProbe probe = new SendAsSettingsTest.RecordingProbe();
    final InMemoryOAuthProviders providers = new InMemoryOAuthProviders();
    SendAsSettings settings;
    OAuthTokenClient client;
    OAuthCodeConnections connections;
    MailAddress address;

    @BeforeEach
    void setUp() throws Exception {
        address = new MailAddress("alice@partner.test");
        InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
        providers.save(new OAuthProvider("partner", OAUTH.server().authorizationEndpoint(), OAUTH.server().tokenEndpoint(), Optional.empty(),
            "outbound-relay", Optional.empty(), List.of("openid", "smtp", "offline_access"), Map.of(),
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS)));
        client = new OAuthTokenClient(sealer, OAuthEndpointPolicy.forTests(), Duration.ofSeconds(5), Clock.systemUTC());
        settings = new SendAsSettings(registry, policies, mock(DomainList.class), sealer,
            new SendAsVerifier(new InMemoryVerifications()), probe, providers,
            new AccessTokenCache(client, Clock.systemUTC(), AccessTokenCache.DEFAULT_MARGIN),
            new SettingsEvents(new io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog()), Clock.systemUTC());
        connections = new OAuthCodeConnections(settings, providers, client);
    }

    @Test
    void theBrowsersRoundTripConnectsTheAddress() {
        URI authorization = connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test", Optional.empty(), CALLBACK);
        assertThat(authorization.toString()).contains("code_challenge_method=S256").contains("state=")
            .doesNotContain("code_verifier");

        URI callback = OAUTH.server().authorize(authorization);
        SendAsView view = connections.complete(ALICE, OAuthTestServer.queryParameter(callback, "state"),
            OAuthTestServer.queryParameter(callback, "code"));

        assertThat(view.credential()).isEqualTo("oauth");
        assertThat(view.provider()).isEqualTo("partner");
        assertThat(view.status()).isEqualTo("pending");
        assertThat(probe.calls).containsExactly("probe alice@partner.test alice@partner.test via partner", "code alice@partner.test");
        assertThat(registry.find(address).orElseThrow().usesOAuth()).isTrue();
    }

    @Test
    void theNameGivenWhenConnectingIsShownAndReconnectingWithoutOneKeepsIt() {
        URI first = OAUTH.server().authorize(connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test",
            Optional.of("  Alice at Partner "), CALLBACK));
        assertThat(connections.complete(ALICE, OAuthTestServer.queryParameter(first, "state"),
            OAuthTestServer.queryParameter(first, "code")).displayName()).isEqualTo("Alice at Partner");

        URI again = OAUTH.server().authorize(connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test",
            Optional.empty(), CALLBACK));
        assertThat(connections.complete(ALICE, OAuthTestServer.queryParameter(again, "state"),
            OAuthTestServer.queryParameter(again, "code")).displayName()).isEqualTo("Alice at Partner");
    }

    @Test
    void aBadNameIsRefusedBeforeTheBrowserIsSentToTheProvider() {
        assertThatThrownBy(() -> connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test",
            Optional.of("Alice\r\nBcc: everyone@example.com"), CALLBACK))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'displayName'");
        assertThat(registry.find(address)).isEmpty();
    }

    @Test
    void aStateIsGoodOnceAndForItsOwnUserOnly() {
        URI callback = OAUTH.server().authorize(connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test", Optional.empty(), CALLBACK));
        String state = OAuthTestServer.queryParameter(callback, "state");
        String code = OAuthTestServer.queryParameter(callback, "code");

        assertThatThrownBy(() -> connections.complete(Username.of("mallory@ourdomain.test"), state, code))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'state'");
        connections.complete(ALICE, state, code);
        assertThatThrownBy(() -> connections.complete(ALICE, state, code))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'state'");
        assertThatThrownBy(() -> connections.complete(ALICE, "forged", code))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'state'");
    }

    @Test
    void aRefusedCodeSavesNothing() {
        URI callback = OAUTH.server().authorize(connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test", Optional.empty(), CALLBACK));
        OAUTH.server().revokeGrants(true);

        assertThatThrownBy(() -> connections.complete(ALICE, OAuthTestServer.queryParameter(callback, "state"),
            OAuthTestServer.queryParameter(callback, "code")))
            .isInstanceOfSatisfying(SendAsSettingsException.class,
                e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.RELAY_CHECK_FAILED));
        assertThat(registry.find(address)).isEmpty();
        assertThat(probe.calls).isEmpty();
    }

    @Test
    void aFlowWhoseProvidersTokenEndpointMovedMeanwhileSendsItsCodeNowhere() {
        URI callback = OAUTH.server().authorize(connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test", Optional.empty(), CALLBACK));
        OAuthProvider before = providers.find("partner").orElseThrow();
        providers.save(OAuthFixtures.withTokenEndpoint(before, "partner", OAuthFixtures.onAnotherHost(before.tokenEndpoint())));
        int exchanged = OAUTH.server().tokensIssued("authorization_code");

        assertThatThrownBy(() -> connections.complete(ALICE, OAuthTestServer.queryParameter(callback, "state"),
            OAuthTestServer.queryParameter(callback, "code")))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'provider' changed its token endpoint");
        assertThat(OAUTH.server().tokensIssued("authorization_code")).isEqualTo(exchanged);
        assertThat(registry.find(address)).isEmpty();
    }

    /** A device authorization approved after the admin moved the token endpoint: its grant came from the old one. */
    @Test
    void aGrantObtainedBeforeTheTokenEndpointMovedIsNotSaved() {
        OAuthProvider before = providers.find("partner").orElseThrow();
        providers.save(OAuthFixtures.withTokenEndpoint(before, "partner", URI.create("https://login.elsewhere.test/token")));

        assertThatThrownBy(() -> settings.saveOAuth(Actor.ADMIN, ALICE, address, before, "alice@partner.test", "refresh-token",
            Optional.empty(), Optional.of(true)))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'provider' partner was removed or its token endpoint changed");
        assertThat(registry.find(address)).isEmpty();
    }

    @Test
    void oneUserBeginningFlowAfterFlowKeepsTheirNewestFiveAndLeavesRoomForEveryoneElse() {
        Username mallory = Username.of("mallory@ourdomain.test");
        List<String> states = new ArrayList<>();
        for (int i = 0; i < OAuthCodeConnections.MAX_PENDING; i++) {
            states.add(stateOf(connections.begin(Actor.USER, mallory, address, "partner", "mallory@partner.test", Optional.empty(), CALLBACK)));
        }

        // Alice still connects.
        URI callback = OAUTH.server().authorize(connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test", Optional.empty(), CALLBACK));
        assertThat(connections.complete(ALICE, OAuthTestServer.queryParameter(callback, "state"),
            OAuthTestServer.queryParameter(callback, "code")).status()).isEqualTo("pending");
        // Mallory's oldest flows were dropped, her newest five are hers to finish.
        assertThatThrownBy(() -> connections.cancel(mallory, states.get(states.size() - OAuthCodeConnections.MAX_PENDING_PER_USER - 1)))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'state'");
        for (String state : states.subList(states.size() - OAuthCodeConnections.MAX_PENDING_PER_USER, states.size())) {
            connections.cancel(mallory, state);
        }
    }

    @Test
    void pastTheServersShareNewFlowsAreRefused() {
        int users = 4;
        connections = new OAuthCodeConnections(settings, providers, client, Clock.systemUTC(),
            users * OAuthCodeConnections.MAX_PENDING_PER_USER);
        for (int user = 0; user < users; user++) {
            for (int i = 0; i < OAuthCodeConnections.MAX_PENDING_PER_USER; i++) {
                connections.begin(Actor.USER, Username.of("user" + user + "@ourdomain.test"), address, "partner", "u@partner.test",
                    Optional.empty(), CALLBACK);
            }
        }

        assertThatThrownBy(() -> connections.begin(Actor.USER, ALICE, address, "partner", "alice@partner.test", Optional.empty(), CALLBACK))
            .isInstanceOfSatisfying(SendAsSettingsException.class,
                e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.TOO_MANY_REQUESTS));
    }

    private static String stateOf(URI authorizationRequest) {
        return OAuthTestServer.queryParameter(authorizationRequest, "state");
    }
}
