package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device authorization grant (RFC 8628). mock-oauth2-server has no device endpoint, so this test serves the two
 * endpoints itself over real HTTP with the answers RFC 8628 specifies (authorization_pending, slow_down, access_denied)
 * and checks the requests the client sends.
 */
class DeviceAuthorizationGrantTest {
    @RegisterExtension
    final ScriptedAuthorizationServer http = new ScriptedAuthorizationServer();
    private final Deque<String> tokenAnswers = new ConcurrentLinkedDeque<>();
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<String> deviceRequests = new CopyOnWriteArrayList<>();
    private final List<Duration> slept = new ArrayList<>();
    private final OAuthTokenClient client = OAuthFixtures.client(Clock.systemUTC());
    private OAuthProvider provider;

    @BeforeEach
    void answers() {
        http.handle("/devicecode", exchange -> {
            deviceRequests.add(ScriptedAuthorizationServer.body(exchange));
            ScriptedAuthorizationServer.send(exchange, 200, "{\"device_code\":\"dc-secret-42\",\"user_code\":\"WDJB-MJHT\","
                + "\"verification_uri\":\"https://login.partner.test/device\",\"expires_in\":900,\"interval\":5}");
        });
        // Google's answer: "verification_url" (Microsoft's too, before RFC 8628 was final), here without expires_in.
        http.answer("/google/devicecode", 200, "{\"device_code\":\"dc-secret-43\",\"user_code\":\"GQVQ-JKEC\","
            + "\"verification_url\":\"https://www.google.com/device\"}");
        http.handle("/token", exchange -> {
            tokenRequests.add(ScriptedAuthorizationServer.body(exchange));
            String next = tokenAnswers.poll();
            ScriptedAuthorizationServer.send(exchange, next.startsWith("{\"error\"") ? 400 : 200, next);
        });
        provider = http.provider("/token", Optional.of("/devicecode"),
            List.of("https://outlook.office.com/SMTP.Send", "offline_access"));
    }

    @Test
    void pollsAtTheIntervalSlowsDownWhenToldAndReturnsTheGrant() throws Exception {
        tokenAnswers.add("{\"error\":\"authorization_pending\"}");
        tokenAnswers.add("{\"error\":\"slow_down\"}");
        tokenAnswers.add("{\"error\":\"authorization_pending\"}");
        tokenAnswers.add("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt-1\"}");

        DeviceAuthorization device = client.startDeviceAuthorization(provider);
        assertThat(device.userCode()).isEqualTo("WDJB-MJHT");
        assertThat(device.verificationUri()).isEqualTo(URI.create("https://login.partner.test/device"));
        assertThat(device.toString()).doesNotContain("dc-secret-42");
        assertThat(deviceRequests).singleElement().asString().contains("client_id=public-client")
            .contains("scope=https%3A%2F%2Foutlook.office.com%2FSMTP.Send+offline_access").doesNotContain("client_secret");

        TokenGrant grant = client.awaitDeviceAuthorization(provider, device, slept::add);

        assertThat(grant.accessToken().value()).isEqualTo("at-1");
        assertThat(grant.refreshToken()).contains("rt-1");
        assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(tokenRequests).hasSize(4).allSatisfy(request -> assertThat(request)
            .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code").contains("device_code=dc-secret-42"));
    }

    @Test
    void userDenyingAccessEndsThePolling() throws Exception {
        tokenAnswers.add("{\"error\":\"authorization_pending\"}");
        tokenAnswers.add("{\"error\":\"access_denied\"}");
        DeviceAuthorization device = client.startDeviceAuthorization(provider);

        assertThatThrownBy(() -> client.awaitDeviceAuthorization(provider, device, slept::add))
            .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.DENIED));
        assertThat(tokenRequests).hasSize(2);
    }

    @Test
    void aVerificationUrlAsGoogleNamesItAndNoExpiryAreUnderstood() throws Exception {
        OAuthProvider google = new OAuthProvider("google", provider.authorizationEndpoint(), provider.tokenEndpoint(),
            Optional.of(http.uri("/google/devicecode")), "public-client",
            Optional.empty(), provider.scopes(), Map.of(), provider.relay());

        DeviceAuthorization device = client.startDeviceAuthorization(google);

        assertThat(device.verificationUri()).isEqualTo(URI.create("https://www.google.com/device"));
        assertThat(device.userCode()).isEqualTo("GQVQ-JKEC");
        assertThat(device.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(device.expiresAt()).isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(610));
    }

    @Test
    void providerWithoutDeviceEndpointIsAConfigurationError() {
        OAuthProvider noDevice = new OAuthProvider("nodevice", provider.authorizationEndpoint(), provider.tokenEndpoint(),
            Optional.empty(), "public-client", Optional.empty(), provider.scopes(), Map.of(), provider.relay());
        assertThatThrownBy(() -> client.startDeviceAuthorization(noDevice))
            .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.MISCONFIGURED));
    }
}
