package io.github.outboundrelay.webadmin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.settings.OAuthDeviceConnections;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The device-grant route's input checks: each bad body is a 400 naming its field, before the provider is asked. (The
 * grant itself is proven end to end in integration-tests, OAuthRelayIntegrationTest.)
 */
class SendAsOAuthRoutesTest {
    static final String DEVICE = "/outbound-relay/users/alice@ourdomain.test/send-as/alice@partner.test/oauth/device";

    WebAdminServer server;
    RequestSpecification admin;
    InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();

    @BeforeEach
    void setUp() throws Exception {
        MemoryDomainList domains = new MemoryDomainList(new InMemoryDNSService());
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        domains.addDomain(Domain.of("ourdomain.test"));
        MemoryUsersRepository users = MemoryUsersRepository.withVirtualHosting(domains);
        users.addUser(Username.of("alice@ourdomain.test"), "secret");
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
        AesGcmSecretSealer sealer = new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k");
        SendAsSettings settings = new SendAsSettings(new InMemorySendAsRegistry(), policies, domains, sealer,
            new SendAsVerifier(new InMemoryVerifications()), StoreOutageRoutesTest.ACCEPTING_EVERY_RELAY,
            new io.github.outboundrelay.core.settings.SettingsEvents(new io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog()));
        InMemoryOAuthProviders providers = new InMemoryOAuthProviders();
        providers.save(new OAuthProvider("no-device", URI.create("https://login.partner.test/authorize"),
            URI.create("https://login.partner.test/token"), Optional.empty(), "app", Optional.empty(), List.of("smtp"),
            Map.of(), new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS)));
        OAuthDeviceConnections connections = new OAuthDeviceConnections(settings, providers,
            new OAuthTokenClient(sealer, OAuthEndpointPolicy.httpsOnly(), Duration.ofSeconds(1), Clock.systemUTC()));
        server = WebAdminUtils.createWebAdminServer(new SendAsOAuthRoutes(new AdminRequests(domains, users), connections)).start();
        admin = WebAdminUtils.buildRequestSpecification(server).setContentType(ContentType.JSON).build();
    }

    @AfterEach
    void tearDown() {
        server.destroy();
    }

    @Test
    void badInputIs400NamingTheField() {
        given().spec(admin).body(Map.of("username", "alice@partner.test")).post(DEVICE)
            .then().statusCode(400).body("message", startsWith("'provider' is required"));
        given().spec(admin).body(Map.of("provider", "m365")).post(DEVICE)
            .then().statusCode(400).body("message", startsWith("'username' is required"));
        given().spec(admin).body(Map.of("provider", "m365", "username", "alice@partner.test")).post(DEVICE)
            .then().statusCode(400).body("message", startsWith("'provider' is not a provider set on this server"));
        given().spec(admin).body(Map.of("provider", "no-device", "username", "alice@partner.test")).post(DEVICE)
            .then().statusCode(400).body("message", startsWith("'provider' no-device has no device authorization endpoint"));
        given().spec(admin).body(Map.of("provider", "no-device", "username", "alice@partner.test", "password", "x")).post(DEVICE)
            .then().statusCode(400).body("message", startsWith("'password' is not a known field"));
        given().spec(admin).body(Map.of("provider", "no-device", "username", "alice@partner.test", "verified", "yes")).post(DEVICE)
            .then().statusCode(400).body("message", startsWith("'verified' must be true or false"));
    }

    /** A quoted local part (';' splits recipients in the mail spool, CR/LF writes lines) is refused before anything else. */
    @Test
    void anAddressThatIsNotPlainIs400NamingTheAddress() {
        for (String address : new String[] {"%22alice%3Bvictim%40elsewhere.test%22@partner.test",
            "%22alice%5C%0D%5C%0Ax%22@partner.test", "alice@%5B192.0.2.10%5D"}) {
            given().spec(admin).urlEncodingEnabled(false).body(Map.of("provider", "no-device", "username", "alice@partner.test"))
                .post("/outbound-relay/users/alice@ourdomain.test/send-as/" + address + "/oauth/device")
                .then().statusCode(400).body("message", startsWith("'address'"));
        }
    }

    @Test
    void nothingStartedIs404AndAnotherDomainsPolicyIs403() {
        given().spec(admin).get(DEVICE).then().statusCode(404);
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false));
        given().spec(admin).body(Map.of("provider", "no-device", "username", "alice@partner.test")).post(DEVICE)
            .then().statusCode(403);
    }
}
