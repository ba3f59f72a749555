package io.github.outboundrelay.webadmin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.settings.OAuthProviderSettings;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.testing.OAuthTestServerExtension;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

class OAuthProviderRoutesTest {
    private static final String M365 = "/outbound-relay/oauth-providers/m365";
    private static final String SECRET = "client-secret-3f9a";
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension();

    private final AesGcmSecretSealer sealer = new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k");
    private final InMemoryOAuthProviders providers = new InMemoryOAuthProviders();
    private final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    private WebAdminServer server;
    private RequestSpecification admin;

    private void start(OAuthEndpointPolicy policy) {
        server = WebAdminUtils.createWebAdminServer(new OAuthProviderRoutes(new OAuthProviderSettings(providers, registry,
            new AccessTokenCache(new OAuthTokenClient(sealer, policy, Duration.ofSeconds(1), Clock.systemUTC()), Clock.systemUTC(),
                AccessTokenCache.DEFAULT_MARGIN), new io.github.outboundrelay.core.settings.SettingsEvents(
                new io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog())), sealer,
            policy, AdminApiGuard.loopbackOnly())).start();
        admin = WebAdminUtils.buildRequestSpecification(server).setContentType(ContentType.JSON).build();
    }

    @AfterEach
    void stop() {
        server.destroy();
    }

    @Test
    void microsoft365PresetIsSavedWithItsSecretSealedAndNeverShown() {
        start(OAuthEndpointPolicy.httpsOnly());
        String answer = given().spec(admin).body(Map.of("preset", "microsoft365", "tenant", "contoso.onmicrosoft.com",
                "clientId", "app-id", "clientSecret", SECRET)).put(M365)
            .then().statusCode(200)
            .body("tokenEndpoint", equalTo("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"))
            .body("scopes", equalTo(List.of("https://outlook.office.com/SMTP.Send", "offline_access")))
            .body("relay.host", equalTo("smtp.office365.com")).body("relay.port", equalTo(587))
            .body("clientSecretSet", equalTo(true)).body("$", not(hasKey("clientSecret")))
            .extract().asString();
        assertThat(answer).doesNotContain(SECRET);

        OAuthProvider stored = providers.find("m365").orElseThrow();
        assertThat(sealer.open(stored.clientSecret().orElseThrow(), stored.secretContext())).isEqualTo(SECRET);
        assertThat(given().spec(admin).get(M365).then().statusCode(200).extract().asString()).doesNotContain(SECRET)
            .doesNotContain(stored.clientSecret().get().sealed());
        given().spec(admin).get("/outbound-relay/oauth-providers").then().statusCode(200).body("[0].id", equalTo("m365"));
    }

    @Test
    void updateWithoutSecretKeepsItAndNullMakesAPublicClient() {
        start(OAuthEndpointPolicy.httpsOnly());
        given().spec(admin).body(Map.of("preset", "google", "clientId", "a", "clientSecret", SECRET)).put(M365).then().statusCode(200);
        given().spec(admin).body(Map.of("preset", "google", "clientId", "b")).put(M365)
            .then().statusCode(200).body("clientSecretSet", equalTo(true)).body("clientId", equalTo("b"));
        Map<String, Object> publicClient = new HashMap<>(Map.of("preset", "google", "clientId", "b"));
        publicClient.put("clientSecret", null);
        given().spec(admin).body(publicClient).put(M365).then().statusCode(200).body("clientSecretSet", equalTo(false));
    }

    @Test
    void deleteRemovesAndUnknownProvidersAnswer404() {
        start(OAuthEndpointPolicy.httpsOnly());
        given().spec(admin).body(Map.of("preset", "google", "clientId", "a")).put(M365).then().statusCode(200);
        given().spec(admin).delete(M365).then().statusCode(204);
        given().spec(admin).get(M365).then().statusCode(404);
        given().spec(admin).delete(M365).then().statusCode(404);
    }

    @Test
    void issuerDiscoveryFillsTheEndpoints() {
        start(OAuthEndpointPolicy.forTests());
        given().spec(admin).body(Map.of("issuer", OAUTH.server().issuer().toString(), "clientId", "relay",
                "scopes", List.of("openid", "smtp"), "relay", Map.of("host", "smtp.partner.test", "port", 587, "security", "STARTTLS")))
            .put("/outbound-relay/oauth-providers/partner")
            .then().statusCode(200)
            .body("tokenEndpoint", equalTo(OAUTH.server().tokenEndpoint().toString()))
            .body("authorizationEndpoint", equalTo(OAUTH.server().authorizationEndpoint().toString()))
            .body("deviceAuthorizationEndpoint", nullValue())
            .body("clientSecretSet", equalTo(false));
    }

    @Test
    void httpEndpointsAndIssuersAreRefusedInProduction() {
        start(OAuthEndpointPolicy.httpsOnly());
        given().spec(admin).body(Map.of("issuer", OAUTH.server().issuer().toString(), "clientId", "relay", "scopes", List.of("smtp"),
                "relay", Map.of("host", "smtp.partner.test", "port", 587, "security", "STARTTLS")))
            .put("/outbound-relay/oauth-providers/partner")
            .then().statusCode(400).body("message", startsWith("'issuer' must use https"));
        given().spec(admin).body(Map.of("authorizationEndpoint", "https://login.partner.test/authorize",
                "tokenEndpoint", "http://login.partner.test/token", "clientId", "relay", "scopes", List.of("smtp"),
                "relay", Map.of("host", "smtp.partner.test", "port", 587, "security", "STARTTLS")))
            .put("/outbound-relay/oauth-providers/partner")
            .then().statusCode(400).body("message", startsWith("'tokenEndpoint' must use https"));
        assertThat(providers.all()).isEmpty();
    }

    @Test
    void badBodiesAnswer400NamingTheField() {
        start(OAuthEndpointPolicy.httpsOnly());
        given().spec(admin).body(Map.of("preset", "google")).put(M365)
            .then().statusCode(400).body("message", startsWith("'clientId'"));
        given().spec(admin).body(Map.of("preset", "google", "clientId", "a", "scopes", List.of("x"))).put(M365)
            .then().statusCode(400).body("message", startsWith("'scopes' is given by the preset"));
        given().spec(admin).body(Map.of("preset", "yahoo", "clientId", "a")).put(M365)
            .then().statusCode(400).body("message", startsWith("'preset'"));
        given().spec(admin).body(Map.of("preset", "google", "clientId", "a", "colour", "blue")).put(M365)
            .then().statusCode(400).body("message", startsWith("'colour' is not a known field"));
        given().spec(admin).body(Map.of("preset", "google", "clientId", "a", "clientSecret", " ")).put(M365)
            .then().statusCode(400).body("message", startsWith("'clientSecret'"));
        given().spec(admin).body(Map.of("preset", "google", "clientId", "a")).put("/outbound-relay/oauth-providers/Bad_Id")
            .then().statusCode(400).body("message", startsWith("'id'"));
        given().spec(admin).body(Map.of("authorizationEndpoint", "https://a.test/authorize", "tokenEndpoint", "https://a.test/token",
                "clientId", "a", "scopes", List.of("smtp"), "relay", Map.of("host", "smtp.a.test", "port", 70000, "security", "STARTTLS")))
            .put(M365).then().statusCode(400).body("message", containsString("port"));
        given().spec(admin).body("[1]").put(M365).then().statusCode(400).body("message", startsWith("'body'"));
        assertThat(providers.all()).isEmpty();
    }

    /** Names resolved without DNS: idp.internal.test is inside, the other *.test names public; literals are themselves. */
    private static OAuthEndpointPolicy resolvingTestNames() {
        return OAuthEndpointPolicy.httpsOnly().resolvingWith(host -> host.equals("idp.internal.test")
            ? new InetAddress[] {InetAddress.getByName("10.1.2.3")}
            : host.endsWith(".test") ? new InetAddress[] {InetAddress.getByName("93.184.216.34")} : InetAddress.getAllByName(host));
    }

    private static Map<String, Object> custom(String tokenEndpoint, String deviceEndpoint) {
        Map<String, Object> body = new HashMap<>(Map.of("authorizationEndpoint", "https://login.partner.test/authorize",
            "tokenEndpoint", tokenEndpoint, "clientId", "relay", "scopes", List.of("smtp"),
            "relay", Map.of("host", "smtp.partner.test", "port", 587, "security", "STARTTLS")));
        if (deviceEndpoint != null) {
            body.put("deviceAuthorizationEndpoint", deviceEndpoint);
        }
        return body;
    }

    @Test
    void aMovedTokenOrDeviceEndpointNeedsTheClientSecretAgainAndMakesConnectedAccountsReconnect() throws Exception {
        start(resolvingTestNames());
        String partner = "/outbound-relay/oauth-providers/partner";
        Map<String, Object> first = custom("https://login.partner.test/token", "https://login.partner.test/device");
        first.put("clientSecret", SECRET);
        given().spec(admin).body(first).put(partner).then().statusCode(200);
        MailAddress alice = new MailAddress("alice@partner.test");
        registry.register(new SendAsAddress(alice, Username.of("alice@ourdomain.test"), new RelayServer("smtp.partner.test", 587,
            RelaySecurity.STARTTLS), "alice@partner.test", new RelayCredential.OAuth("partner", sealer.seal("refresh", "context"))));

        // The same endpoints: the secret is kept, the account left alone.
        given().spec(admin).body(custom("https://login.partner.test/token", "https://login.partner.test/device")).put(partner)
            .then().statusCode(200).body("clientSecretSet", equalTo(true));
        for (Map<String, Object> moved : List.of(custom("https://login.elsewhere.test/token", "https://login.partner.test/device"),
            custom("https://login.partner.test/token", "https://login.elsewhere.test/device"),
            custom("https://login.partner.test/token", null))) {
            given().spec(admin).body(moved).put(partner).then().statusCode(400)
                .body("message", startsWith("'clientSecret' is required when tokenEndpoint or deviceAuthorizationEndpoint change"));
        }
        assertThat(providers.find("partner").orElseThrow().tokenEndpoint()).hasHost("login.partner.test");
        assertThat(registry.find(alice).orElseThrow().oauthCredential().orElseThrow().reconnectNeeded()).isFalse();

        Map<String, Object> movedWithSecret = custom("https://login.elsewhere.test/token", "https://login.partner.test/device");
        movedWithSecret.put("clientSecret", "the-secret-registered-there");
        given().spec(admin).body(movedWithSecret).put(partner).then().statusCode(200)
            .body("tokenEndpoint", equalTo("https://login.elsewhere.test/token")).body("clientSecretSet", equalTo(true));
        assertThat(registry.find(alice).orElseThrow().oauthCredential().orElseThrow().reconnectNeeded()).isTrue();
    }

    @Test
    void authorizationParametersCannotReplaceTheRequestsOwn() {
        start(resolvingTestNames());
        for (String reserved : List.of("redirect_uri", "state", "code_challenge", "code_challenge_method", "client_id", "response_type")) {
            Map<String, Object> body = custom("https://login.partner.test/token", null);
            body.put("authorizationParameters", Map.of("prompt", "consent", reserved, "x"));
            given().spec(admin).body(body).put("/outbound-relay/oauth-providers/partner").then().statusCode(400)
                .body("message", equalTo("'authorizationParameters' cannot set '" + reserved + "': the authorization request sets it itself"));
        }
        assertThat(providers.all()).isEmpty();
    }

    @Test
    void endpointsResolvingToInternalAddressesAreRefused() {
        start(resolvingTestNames());
        given().spec(admin).body(custom("https://idp.internal.test/token", null)).put("/outbound-relay/oauth-providers/partner")
            .then().statusCode(400).body("message", equalTo("'tokenEndpoint' idp.internal.test resolves to an internal address: "
                + "not an allowed OAuth endpoint"));
        given().spec(admin).body(custom("https://169.254.169.254/token", null)).put("/outbound-relay/oauth-providers/partner")
            .then().statusCode(400).body("message", startsWith("'tokenEndpoint' 169.254.169.254 resolves to an internal address"));
        given().spec(admin).body(Map.of("issuer", "https://idp.internal.test", "clientId", "relay", "scopes", List.of("smtp"),
                "relay", Map.of("host", "smtp.partner.test", "port", 587, "security", "STARTTLS")))
            .put("/outbound-relay/oauth-providers/partner")
            .then().statusCode(400).body("message", startsWith("'issuer' idp.internal.test resolves to an internal address"));
        assertThat(providers.all()).isEmpty();
    }
}
