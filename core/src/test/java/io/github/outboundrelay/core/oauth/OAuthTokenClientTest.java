package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.testing.OAuthTestServer;
import io.github.outboundrelay.testing.OAuthTestServerExtension;
import io.github.outboundrelay.testing.SmtpPeer;

/** The token client against a real authorization server (mock-oauth2-server over HTTP on loopback). */
class OAuthTokenClientTest {
    private static final String ALICE = "alice@partner.test";
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension(ALICE);
    private final OAuthTokenClient client = OAuthFixtures.client(Clock.systemUTC());
    private OAuthProvider provider;

    @BeforeEach
    void pointAtTheServer() {
        provider = OAuthFixtures.provider(OAUTH.server());
    }

    @Test
    void authorizationRequestCarriesPkceStateAndScopes() {
        OAuthState state = OAuthState.create();
        Pkce pkce = Pkce.create();
        URI request = client.authorizationRequest(provider, OAuthFixtures.REDIRECT, state, pkce, Optional.of(ALICE));
        assertThat(OAuthTestServer.queryParameter(request, "code_challenge")).isEqualTo(pkce.challenge());
        assertThat(OAuthTestServer.queryParameter(request, "code_challenge_method")).isEqualTo("S256");
        assertThat(OAuthTestServer.queryParameter(request, "state")).isEqualTo(state.value());
        assertThat(OAuthTestServer.queryParameter(request, "scope")).isEqualTo("openid smtp offline_access");
        assertThat(OAuthTestServer.queryParameter(request, "login_hint")).isEqualTo(ALICE);
        assertThat(request.toString()).doesNotContain(pkce.verifier()).doesNotContain(OAuthFixtures.CLIENT_SECRET);
    }

    @Test
    void codeFlowGivesAValidatedAccessTokenForTheAccountAndARefreshToken() throws Exception {
        TokenGrant grant = OAuthFixtures.connect(OAUTH.server(), client, provider);

        assertThat(OAUTH.server().validator().validate(grant.accessToken().value())).isEqualTo(ALICE);
        assertThat(grant.refreshToken()).isPresent();
        assertThat(grant.accessToken().expiresAt()).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
    }

    @Test
    void aCodeExchangedWithAnotherVerifierIsRefused() {
        OAuthState state = OAuthState.create();
        URI callback = OAUTH.server().authorize(client.authorizationRequest(provider, OAuthFixtures.REDIRECT, state, Pkce.create(), Optional.empty()));
        String code = OAuthTestServer.queryParameter(callback, "code");

        assertThatThrownBy(() -> client.exchangeCode(provider, code, OAuthFixtures.REDIRECT, Pkce.create()))
            .isInstanceOf(OAuthException.class).extracting("errorCode").isEqualTo("invalid_grant");
    }

    @Test
    void refreshRotatesTheRefreshToken() throws Exception {
        TokenGrant connected = OAuthFixtures.connect(OAUTH.server(), client, provider);
        TokenGrant refreshed = client.refresh(provider, connected.refreshToken().orElseThrow());

        assertThat(refreshed.refreshToken()).isPresent().isNotEqualTo(connected.refreshToken());
        assertThat(refreshed.accessToken().value()).isNotEqualTo(connected.accessToken().value());
        assertThat(OAUTH.server().validator().validate(refreshed.accessToken().value())).isEqualTo(ALICE);
    }

    @Test
    void revokedGrantMeansReconnectNeeded() throws Exception {
        TokenGrant connected = OAuthFixtures.connect(OAUTH.server(), client, provider);
        OAUTH.server().revokeGrants(true);

        assertThatThrownBy(() -> client.refresh(provider, connected.refreshToken().orElseThrow()))
            .isInstanceOfSatisfying(OAuthException.class, e -> {
                assertThat(e.kind()).isEqualTo(OAuthException.Kind.RECONNECT_NEEDED);
                assertThat(e.getMessage()).contains("connected again").doesNotContain(connected.refreshToken().get());
            });
    }

    @Test
    void serverErrorIsTemporary() throws Exception {
        TokenGrant connected = OAuthFixtures.connect(OAUTH.server(), client, provider);
        OAUTH.server().failTokenRequests(true);

        assertThatThrownBy(() -> client.refresh(provider, connected.refreshToken().orElseThrow()))
            .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.TEMPORARY));
    }

    @Test
    void unreachableTokenEndpointIsTemporary() {
        int closed = SmtpPeer.freePort();
        OAuthProvider nowhere = new OAuthProvider("nowhere", provider.authorizationEndpoint(),
            URI.create("http://127.0.0.1:" + closed + "/partner/token"), Optional.empty(), "client", Optional.empty(),
            provider.scopes(), provider.authorizationParameters(), provider.relay());

        assertThatThrownBy(() -> client.refresh(nowhere, "some-refresh-token"))
            .isInstanceOfSatisfying(OAuthException.class, e -> {
                assertThat(e.kind()).isEqualTo(OAuthException.Kind.TEMPORARY);
                assertThat(e.getMessage()).contains("could not be reached").doesNotContain("some-refresh-token");
            });
    }

    @Test
    void httpEndpointIsRefusedBeforeAnythingIsSentUnlessTheTestSwitchIsOn() {
        OAuthTokenClient production = new OAuthTokenClient(OAuthFixtures.SEALER, OAuthEndpointPolicy.httpsOnly(),
            Duration.ofSeconds(5), Clock.systemUTC());
        int issued = OAUTH.server().tokensIssued("refresh_token");

        // The admin's to fix, as a refused client is: a delivery waits and retries, it does not fail on a runtime error.
        assertThatThrownBy(() -> production.refresh(provider, "some-refresh-token"))
            .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.MISCONFIGURED))
            .hasMessage("Nothing sent: 'tokenEndpoint' must use https, got 'http'");
        assertThat(OAUTH.server().tokensIssued("refresh_token")).isEqualTo(issued);
    }

    @Test
    void discoveryGivesTheIssuersEndpoints() throws Exception {
        OAuthDiscovery.Endpoints endpoints = new OAuthDiscovery(OAuthEndpointPolicy.forTests(), Duration.ofSeconds(5))
            .discover(OAUTH.server().issuer());
        assertThat(endpoints.authorizationEndpoint()).isEqualTo(OAUTH.server().authorizationEndpoint());
        assertThat(endpoints.tokenEndpoint()).isEqualTo(OAUTH.server().tokenEndpoint());
    }

    @Test
    void discoveryRefusesHttpInProduction() {
        assertThatThrownBy(() -> new OAuthDiscovery(OAuthEndpointPolicy.httpsOnly(), Duration.ofSeconds(5)).discover(OAUTH.server().issuer()))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'issuer'");
    }
}
