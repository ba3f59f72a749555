package io.github.outboundrelay.webadmin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.mockito.Mockito.mock;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.user.memory.MemoryDelegationStore;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.apache.james.webadmin.FixedPortSupplier;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.apache.james.webadmin.routes.UserRoutes;
import org.apache.james.webadmin.service.UserService;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.outboundrelay.core.AuditTrail;
import io.github.outboundrelay.core.secrets.RotatingSecretSealer;
import io.github.outboundrelay.core.secrets.SecretRotation;
import io.github.outboundrelay.core.settings.DomainPolicySettings;
import io.github.outboundrelay.core.settings.SendAsOverview;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * WebAdmin refuses what a web page in the admin's browser could send, on our routes and on James's own ({@code /users}
 * here, as James defines it): a request under a foreign Host name (DNS rebinding), from another Origin (preflights
 * included, and no answer admits another origin), a write without a JSON content type (a plain form), an oversized
 * body; and the checks hold whichever of our route classes is registered.
 */
class AdminApiGuardTest {
    static final String SEND_AS = "/outbound-relay/users/alice@ourdomain.test/send-as/alice@partner.test";

    @TempDir
    static Path keys;

    WebAdminServer server;
    RequestSpecification admin;
    int port;

    /** Every route class of ours, built over in-memory collaborators. */
    static final class AllRoutes {
        final AdminRequests requests;
        final MemoryUsersRepository users;
        final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        final SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications());
        final InMemoryRelayAttemptLog attempts = new InMemoryRelayAttemptLog();
        final RotatingSecretSealer sealer = new RotatingSecretSealer(keys.resolve("outbound-relay/relay-secrets.key"));
        final InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
        final SettingsEvents events = new SettingsEvents(new InMemorySettingsEventLog());
        final SendAsSettings settings;

        AllRoutes() throws Exception {
            MemoryDomainList domains = new MemoryDomainList(new InMemoryDNSService());
            domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
            domains.addDomain(Domain.of("ourdomain.test"));
            users = MemoryUsersRepository.withVirtualHosting(domains);
            users.addUser(Username.of("alice@ourdomain.test"), "secret");
            requests = new AdminRequests(domains, users);
            settings = new SendAsSettings(registry, policies, domains, sealer, verifier,
                StoreOutageRoutesTest.ACCEPTING_EVERY_RELAY, events);
        }

        OutboundRelayRoutes sendAs() {
            return new OutboundRelayRoutes(requests, new DomainPolicySettings(policies, events), settings);
        }

        SendAsVerificationRoutes verification() {
            return new SendAsVerificationRoutes(requests, settings);
        }

        SendAsOverviewRoutes overview() {
            return new SendAsOverviewRoutes(requests, new SendAsOverview(registry, settings), attempts);
        }

        OutboundRelayAuditRoutes audit() {
            return new OutboundRelayAuditRoutes(new AuditTrail(attempts, new InMemorySettingsEventLog()), AdminApiGuard.loopbackOnly());
        }

        SendAsOAuthRoutes oauth() {
            return new SendAsOAuthRoutes(requests, new io.github.outboundrelay.core.settings.OAuthDeviceConnections(settings,
                new io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders(),
                new io.github.outboundrelay.core.oauth.OAuthTokenClient(sealer,
                    io.github.outboundrelay.core.oauth.OAuthEndpointPolicy.httpsOnly(), java.time.Duration.ofSeconds(1),
                    java.time.Clock.systemUTC())));
        }

        /** James's own user routes ({@code /users}), as James's WebAdmin defines them. */
        UserRoutes jamesUsers() {
            return new UserRoutes(new UserService(users), mock(CanSendFrom.class), new JsonTransformer(), new MemoryDelegationStore());
        }

        SecretRotationRoutes rotation() {
            return new SecretRotationRoutes(new SecretRotation(sealer, registry, events), AdminApiGuard.loopbackOnly());
        }
    }

    AllRoutes all;

    @BeforeEach
    void setUp() throws Exception {
        all = new AllRoutes();
        start(all.jamesUsers(), all.sendAs(), all.verification(), all.overview(), all.audit(), all.rotation());
    }

    private void start(Routes... routes) {
        if (server != null) {
            server.destroy();
        }
        server = WebAdminUtils.createWebAdminServer(routes).start();
        port = server.getPort().getValue();
        admin = WebAdminUtils.buildRequestSpecification(server).setContentType(ContentType.JSON).build();
    }

    @AfterEach
    void tearDown() {
        server.destroy();
    }

    @Test
    void writesWithoutAJsonContentTypeAre415NamingTheHeader() {
        given().spec(admin).contentType("text/plain").body("{\"allowed\": true}").put("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(415).body("message", containsString("Content-Type"));
        given().spec(admin).contentType("application/x-www-form-urlencoded").body("allowed=true")
            .post("/outbound-relay/secrets/rotation")
            .then().statusCode(415);
        given().spec(admin).contentType("text/plain").delete(SEND_AS).then().statusCode(415);

        given().spec(admin).body(Map.of("allowed", true)).put("/outbound-relay/domains/ourdomain.test").then().statusCode(200);
        given().spec(admin).contentType("application/json; charset=UTF-8").delete(SEND_AS).then().statusCode(204);
    }

    @Test
    void theKeyRotationNeedsAJsonObjectBody() {
        given().spec(admin).post("/outbound-relay/secrets/rotation")
            .then().statusCode(400).body("message", containsString("'body'"));
        given().spec(admin).body("{\"now\": true}").post("/outbound-relay/secrets/rotation")
            .then().statusCode(400).body("message", containsString("'now'"));

        given().spec(admin).body("{}").post("/outbound-relay/secrets/rotation").then().statusCode(200)
            .body("retiredKeys", org.hamcrest.Matchers.empty());
        given().spec(admin).body("{\"retireUnusedKeys\": \"yes\"}").post("/outbound-relay/secrets/rotation")
            .then().statusCode(400).body("message", containsString("'retireUnusedKeys'"));
        // Nothing is stored: after this rotation, every older key is unused.
        given().spec(admin).body("{\"retireUnusedKeys\": true}").post("/outbound-relay/secrets/rotation").then().statusCode(200)
            .body("retiredKeys.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(2));
    }

    @Test
    void aForeignHostNameIsRefusedAndOurOwnNamesAreNot() {
        given().spec(admin).header("Host", "rebound.attacker.test:" + port).get("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(421).body("message", containsString("Host"));
        given().spec(admin).header("Host", "127.0.0.1:" + (port == 1 ? 2 : port - 1)).get("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(421);
        given().spec(admin).header("Host", "rebound.attacker.test").get("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(421);

        given().spec(admin).header("Host", "127.0.0.1:" + port).get("/outbound-relay/domains/ourdomain.test").then().statusCode(200);
        given().spec(admin).header("Host", "localhost:" + port).get("/outbound-relay/domains/ourdomain.test").then().statusCode(200);
    }

    @Test
    void aWebAdminOnEveryInterfaceKnowsItsAddressesLocalhostAndTheListedNames() throws Exception {
        WebAdminConfiguration everyInterface = WebAdminConfiguration.builder().enabled().port(new FixedPortSupplier(8000))
            .host("0.0.0.0").build();
        start(new OutboundRelayAuditRoutes(new AuditTrail(new InMemoryRelayAttemptLog(), new InMemorySettingsEventLog()),
            new AdminApiGuard(everyInterface, java.util.List.of("james.example.com", "admin.example.com:443"))));

        given().spec(admin).header("Host", "127.0.0.1:" + port).get("/outbound-relay/audit").then().statusCode(200);
        given().spec(admin).header("Host", "localhost:" + port).get("/outbound-relay/audit").then().statusCode(200);
        given().spec(admin).header("Host", "james.example.com:" + port).get("/outbound-relay/audit").then().statusCode(200);
        given().spec(admin).header("Host", "admin.example.com:443").get("/outbound-relay/audit").then().statusCode(200);
        given().spec(admin).header("Host", "admin.example.com:" + port).get("/outbound-relay/audit").then().statusCode(421);
        given().spec(admin).header("Host", "0.0.0.0:" + port).get("/outbound-relay/audit").then().statusCode(421);
        given().spec(admin).header("Host", "rebound.attacker.test:" + port).get("/outbound-relay/audit").then().statusCode(421);
    }

    @Test
    void aRequestFromAnotherOriginIsRefusedEvenToRead() {
        given().spec(admin).header("Origin", "https://attacker.test").get("/outbound-relay/audit")
            .then().statusCode(403);
        given().spec(admin).header("Origin", "null").body(Map.of("allowed", true)).put("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(403);

        given().spec(admin).header("Origin", "http://127.0.0.1:" + port).get("/outbound-relay/audit").then().statusCode(200);
    }

    @Test
    void anOversizedBodyIs413() {
        String huge = "{\"allowed\": true, \"padding\": \"" + "x".repeat(AdminApiGuard.MAX_BODY_BYTES) + "\"}";

        given().spec(admin).body(huge).put("/outbound-relay/domains/ourdomain.test").then().statusCode(413);
        given().spec(admin).body(Map.of("allowed", false)).put("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(200).body("allowed", equalTo(false));
    }

    /** The attack of the review: a page in the admin's browser sets Alice's password through James's own route. */
    @Test
    void jamesOwnUsersRouteRefusesACrossOriginWriteAndAReboundHost() throws Exception {
        String alice = "/users/alice@ourdomain.test";

        given().spec(admin).header("Origin", "https://attacker.test").queryParam("force", "").body(Map.of("password", "stolen"))
            .put(alice).then().statusCode(403).body("message", containsString("Origin"));
        given().spec(admin).header("Host", "rebound.attacker.test:" + port).queryParam("force", "").body(Map.of("password", "stolen"))
            .put(alice).then().statusCode(421).body("message", containsString("Host"));
        given().spec(admin).header("Host", "rebound.attacker.test:" + port).get("/users").then().statusCode(421);
        given().spec(admin).contentType("text/plain").queryParam("force", "").body("{\"password\": \"stolen\"}")
            .put(alice).then().statusCode(415);
        given().spec(admin).queryParam("force", "").body("{\"password\": \"" + "x".repeat(AdminApiGuard.MAX_BODY_BYTES) + "\"}")
            .put(alice).then().statusCode(413);

        org.assertj.core.api.Assertions.assertThat(all.users.test(Username.of("alice@ourdomain.test"), "secret")).isTrue();
    }

    @Test
    void thePreflightAdmitsNoForeignOriginAndNoAnswerInvitesOne() {
        given().spec(admin).header("Origin", "https://attacker.test").header("Access-Control-Request-Method", "PUT")
            .header("Access-Control-Request-Headers", "content-type").options("/users/alice@ourdomain.test")
            .then().statusCode(403).header("Access-Control-Allow-Origin", nullValue());
        given().spec(admin).header("Origin", "https://attacker.test").get("/users")
            .then().statusCode(403).header("Access-Control-Allow-Origin", nullValue());

        given().spec(admin).get("/users").then().statusCode(200).header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void aConfiguredCorsOriginIsTheOnlyOneAdmitted() throws Exception {
        WebAdminConfiguration cors = WebAdminConfiguration.builder().enabled().port(new FixedPortSupplier(8000))
            .host("127.0.0.1").corsEnabled().urlCORSOrigin("https://admin.example.com").build();
        start(new OutboundRelayAuditRoutes(new AuditTrail(new InMemoryRelayAttemptLog(), new InMemorySettingsEventLog()),
            new AdminApiGuard(cors, java.util.List.of())), all.jamesUsers());

        given().spec(admin).header("Origin", "https://admin.example.com").header("Access-Control-Request-Method", "PUT")
            .options("/users/alice@ourdomain.test")
            .then().statusCode(200).header("Access-Control-Allow-Origin", "https://admin.example.com");
        given().spec(admin).header("Origin", "https://attacker.test").header("Access-Control-Request-Method", "PUT")
            .options("/users/alice@ourdomain.test")
            .then().statusCode(403).header("Access-Control-Allow-Origin", "https://admin.example.com");
    }

    /** What docs/QUICKSTART.md and docs/API.md send to James's routes: a body as JSON, a bodyless write as is. */
    @Test
    void jamesOwnRoutesTakeTheDocumentedCalls() throws Exception {
        given().spec(admin).header("Host", "127.0.0.1:" + port).body(Map.of("password", "bob-secret")).put("/users/bob@ourdomain.test")
            .then().statusCode(204);
        given().spec(admin).header("Origin", "http://127.0.0.1:" + port).get("/users").then().statusCode(200)
            .body("username", org.hamcrest.Matchers.hasItem("bob@ourdomain.test"));
        given().spec(admin).contentType("").delete("/users/bob@ourdomain.test").then().statusCode(204);

        org.assertj.core.api.Assertions.assertThat(all.users.contains(Username.of("bob@ourdomain.test"))).isFalse();
    }

    /**
     * Spark routes by {@code X-HTTP-Method-Override} while the checks above read the real method: a GET would reach a
     * PUT or DELETE route past the content type and size checks.
     */
    @Test
    void aMethodOverrideHeaderIs400NamingItAndChangesNothing() throws Exception {
        given().spec(admin).header("X-HTTP-Method-Override", "PUT").contentType("text/plain").body("{\"allowed\": true}")
            .get("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(400).body("message", org.hamcrest.Matchers.startsWith("'X-HTTP-Method-Override'"));
        given().spec(admin).header("X-HTTP-Method-Override", "DELETE").get("/users/alice@ourdomain.test")
            .then().statusCode(400).body("message", org.hamcrest.Matchers.startsWith("'X-HTTP-Method-Override'"));
        given().spec(admin).header("X-HTTP-Method-Override", "GET").get("/users").then().statusCode(400);

        given().spec(admin).get("/outbound-relay/domains/ourdomain.test").then().statusCode(200).body("allowed", equalTo(false));
        org.assertj.core.api.Assertions.assertThat(all.users.contains(Username.of("alice@ourdomain.test"))).isTrue();
    }

    static Stream<Arguments> eachRouteClassAlone() {
        return Stream.of(
            Arguments.of("OutboundRelayRoutes", (Function<AllRoutes, Routes>) AllRoutes::sendAs, "/outbound-relay/domains/ourdomain.test"),
            Arguments.of("SendAsVerificationRoutes", (Function<AllRoutes, Routes>) AllRoutes::verification, SEND_AS + "/test"),
            Arguments.of("SendAsOverviewRoutes", (Function<AllRoutes, Routes>) AllRoutes::overview, "/outbound-relay/domains/ourdomain.test/send-as"),
            Arguments.of("OutboundRelayAuditRoutes", (Function<AllRoutes, Routes>) AllRoutes::audit, "/outbound-relay/audit"),
            Arguments.of("SecretRotationRoutes", (Function<AllRoutes, Routes>) AllRoutes::rotation, "/outbound-relay/secrets/rotation"),
            Arguments.of("SendAsOAuthRoutes", (Function<AllRoutes, Routes>) AllRoutes::oauth, SEND_AS + "/oauth/device"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachRouteClassAlone")
    void theGuardHoldsWhicheverRouteClassIsRegisteredAlone(String name, Function<AllRoutes, Routes> routes, String path) throws Exception {
        start(routes.apply(new AllRoutes()));

        given().spec(admin).header("Host", "rebound.attacker.test:" + port).get(path).then().statusCode(421);
        given().spec(admin).header("Host", "rebound.attacker.test:" + port).contentType("text/plain").post(path).then().statusCode(421);
        given().spec(admin).contentType("text/plain").body("{}").post(path).then().statusCode(415);
        given().spec(admin).contentType("text/plain").body("{}").put(path).then().statusCode(415);
    }
}
