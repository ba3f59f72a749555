package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.util.HashMap;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.DataProbeImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.restassured.specification.RequestSpecification;

/**
 * The admin API through a real James WebAdmin: every 404 and 400 names what is wrong, and no answer ever holds a
 * password.
 */
class AdminApiIntegrationTest {
    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped());

    static final String SEND_AS_PATH = "/outbound-relay/users/alice@ourdomain.test/send-as/alice@partner.test";
    static final String PASSWORD = "never-shown-9f3";

    RequestSpecification admin;

    /** A second domain, left as shipped: outbound relay not allowed. */
    static final String CLOSED_DOMAIN = "closed.test";

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice", "bob");
        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        data.addDomain(CLOSED_DOMAIN);
        data.addUser("carol@" + CLOSED_DOMAIN, OutboundRelayJames.PASSWORD);
        // Writes of send-as addresses need the owner's domain to allow outbound relay.
        new RelayScenario(server).allowDomain(true);
    }

    @BeforeEach
    void setUp(GuiceJamesServer server) {
        admin = OutboundRelayJames.webAdmin(server);
    }

    /** The guard of every /outbound-relay route, as a booted James wires it (WebAdmin's configuration, webadmin.properties). */
    @Test
    void aForeignHostAnotherOriginOrAFormPostIsRefused(GuiceJamesServer server) {
        int port = server.getProbe(org.apache.james.utils.WebAdminGuiceProbe.class).getWebAdminPort().getValue();

        given().spec(admin).header("Host", "rebound.attacker.test:" + port).get("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(421);
        given().spec(admin).header("Origin", "https://attacker.test").get("/outbound-relay/audit").then().statusCode(403);
        given().spec(admin).contentType("application/x-www-form-urlencoded").body("allowed=true")
            .put("/outbound-relay/domains/ourdomain.test").then().statusCode(415);
        given().spec(admin).contentType("text/plain").post("/outbound-relay/secrets/rotation").then().statusCode(415);
        given().spec(admin).header("Host", "localhost:" + port).get("/outbound-relay/domains/ourdomain.test").then().statusCode(200);
    }

    @Test
    void domainPolicyIsOffByDefaultAndCanBeSwitched() {
        String closed = "/outbound-relay/domains/" + CLOSED_DOMAIN;
        given().spec(admin).get(closed)
            .then().statusCode(200).body("domain", equalTo(CLOSED_DOMAIN)).body("allowed", equalTo(false));
        given().spec(admin).body(Map.of("allowed", true)).put(closed)
            .then().statusCode(200).body("allowed", equalTo(true));
        given().spec(admin).get(closed).then().body("allowed", equalTo(true));
        given().spec(admin).body(Map.of("allowed", false)).put(closed).then().statusCode(200);
    }

    @Test
    void relayWritesAre403WhileTheDomainDoesNotAllowRelayingReadsAndDeleteAnswer() {
        String path = "/outbound-relay/users/carol@" + CLOSED_DOMAIN + "/send-as/carol@partner.test";

        given().spec(admin).body(validBody()).put(path)
            .then().statusCode(403).body("message", containsString("not enabled for " + CLOSED_DOMAIN));
        given().spec(admin).post(path + "/test").then().statusCode(403);
        // Alternate addresses are allowed (the default): an address that is not there is not found.
        given().spec(admin).post(path + "/verification").then().statusCode(404);
        given().spec(admin).body(Map.of("code", "AAAA-AAAA-AAAA-AAAA")).post(path + "/confirm").then().statusCode(404);

        given().spec(admin).get("/outbound-relay/users/carol@" + CLOSED_DOMAIN + "/send-as").then().statusCode(200).body("", hasSize(0));
        given().spec(admin).get(path).then().statusCode(404);
        given().spec(admin).delete(path).then().statusCode(204);
    }

    @Test
    void relayWithoutTlsIsRefusedUnlessTheDomainAllowsInsecureRelays() {
        Map<String, Object> clear = validBody();
        clear.put("security", "NONE");
        clear.put("port", 25);
        given().spec(admin).body(clear).put(SEND_AS_PATH)
            .then().statusCode(400).body("message", startsWith("'security'"));

        given().spec(admin).body(Map.of("allowed", true, "allowInsecure", true)).put("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(200).body("allowInsecure", equalTo(true));
        try {
            given().spec(admin).body(clear).put(SEND_AS_PATH).then().statusCode(200).body("security", equalTo("NONE"));
        } finally {
            given().spec(admin).body(Map.of("allowed", true)).put("/outbound-relay/domains/ourdomain.test")
                .then().statusCode(200).body("allowInsecure", equalTo(false));
            given().spec(admin).delete(SEND_AS_PATH);
        }
    }

    @Test
    void auditAnswersAPageOfAttempts() {
        // no mail was relayed here: no attempt (the admin's changes are configuration events, AuditTrailIntegrationTest)
        given().spec(admin).queryParam("user", "alice@ourdomain.test").queryParam("since", "2026-01-01T00:00:00Z")
            .queryParam("type", "relay-attempt").queryParam("offset", 0).queryParam("limit", 10)
            .get("/outbound-relay/audit")
            .then().statusCode(200).body("", hasSize(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "since|yesterday",
        "limit|0",
        "limit|1001",
        "offset|-1",
        "offset|many",
        "type|attempts"})
    void badAuditQueryIs400NamingTheParameter(String parameter, String value) {
        given().spec(admin).queryParam(parameter, value).get("/outbound-relay/audit")
            .then().statusCode(400).body("message", startsWith("'" + parameter + "'"));
    }

    @Test
    void relayHealthCheckIsListedAmongJamesHealthChecks() {
        given().spec(admin).get("/healthcheck/checks")
            .then().statusCode(200).body("componentName", org.hamcrest.Matchers.hasItem("Outbound relay"));
        given().spec(admin).get("/healthcheck/checks/{name}", "Outbound relay")
            .then().statusCode(200).body("status", equalTo("healthy"));
    }

    @Test
    void unknownDomainIs404() {
        given().spec(admin).get("/outbound-relay/domains/unknown.test").then().statusCode(404);
        given().spec(admin).body(Map.of("allowed", true)).put("/outbound-relay/domains/unknown.test").then().statusCode(404);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|allowed",
        "{\"allowed\": \"yes\"}|allowed",
        "{\"allowed\": true, \"allowInsecure\": 1}|allowInsecure",
        "{\"allowed\": true, \"insecure\": true}|insecure",
        "not json|body"})
    void badDomainPolicyBodyIs400NamingTheField(String body, String field) {
        given().spec(admin).body(body).put("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(400).body("message", startsWith("'" + field + "'"));
    }

    @Test
    void adminVouchingMakesAnAddressVerifiedAndAHostChangeMakesItPendingAgain() {
        given().spec(admin).body(validBody()).put(SEND_AS_PATH).then().statusCode(200).body("status", equalTo("verified"));
        given().spec(admin).get(SEND_AS_PATH).then().body("status", equalTo("verified"));

        Map<String, Object> sameRelayNewPort = validBody();
        sameRelayNewPort.put("port", 465);
        sameRelayNewPort.put("security", "SMTPS");
        sameRelayNewPort.remove("verified");
        // Not vouched this time: the relay is tried first, and smtp.partner.test does not resolve here.
        given().spec(admin).body(sameRelayNewPort).put(SEND_AS_PATH).then().statusCode(422)
            .body("message", containsString("unreachable"));

        Map<String, Object> newHost = validBody();
        newHost.put("host", "smtp.elsewhere.test");
        given().spec(admin).body(newHost).put(SEND_AS_PATH).then().statusCode(200).body("status", equalTo("verified"));
        given().spec(admin).delete(SEND_AS_PATH).then().statusCode(204);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "host|10.1.2.3",
        "host|169.254.169.254",
        "host|::1",
        "port|22",
        "port|1023"})
    void relayTargetsThatAreNotAllowedAre400NamingTheField(String field, String value) {
        Map<String, Object> body = validBody();
        body.put(field, field.equals("port") ? Integer.parseInt(value) : value);

        given().spec(admin).body(body).put(SEND_AS_PATH)
            .then().statusCode(400).body("message", startsWith("'" + field + "'"));
    }

    @Test
    void sendAsAddressIsStoredAndItsPasswordNeverShown() {
        String put = given().spec(admin).body(validBody()).put(SEND_AS_PATH)
            .then().statusCode(200).body("passwordSet", equalTo(true)).extract().asString();
        String one = given().spec(admin).get(SEND_AS_PATH)
            .then().statusCode(200).body("host", equalTo("smtp.partner.test")).body("port", equalTo(587))
            .body("security", equalTo("STARTTLS")).body("username", equalTo("alice@partner.test")).extract().asString();
        String list = given().spec(admin).get("/outbound-relay/users/alice@ourdomain.test/send-as")
            .then().statusCode(200).body("", hasSize(1)).extract().asString();

        // No "password" field (the credential kind's value "password" is no secret).
        assertThat(put + one + list).doesNotContain(PASSWORD).doesNotContainPattern("\"password\"\\s*:")
            .contains("\"credential\":\"password\"");
    }

    @Test
    void updateOfTheSameRelayAccountWithoutPasswordKeepsTheStoredOne() {
        given().spec(admin).body(validBody()).put(SEND_AS_PATH).then().statusCode(200);
        Map<String, Object> withoutPassword = validBody();
        withoutPassword.remove("password");

        given().spec(admin).body(withoutPassword).put(SEND_AS_PATH)
            .then().statusCode(200).body("port", equalTo(587)).body("passwordSet", equalTo(true));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "host|smtp.elsewhere.test",
        "port|465",
        "security|SMTPS",
        "username|someone@partner.test"})
    void aNewRelayAccountWithoutThePasswordIs400NamingPassword(String field, String value) {
        given().spec(admin).body(validBody()).put(SEND_AS_PATH).then().statusCode(200);
        Map<String, Object> moved = validBody();
        moved.remove("password");
        moved.put(field, field.equals("port") ? Integer.parseInt(value) : value);

        given().spec(admin).body(moved).put(SEND_AS_PATH)
            .then().statusCode(400).body("message", startsWith("'password'"));
        given().spec(admin).get(SEND_AS_PATH).then().body("host", equalTo("smtp.partner.test")).body("port", equalTo(587))
            .body("security", equalTo("STARTTLS")).body("username", equalTo("alice@partner.test"));
    }

    @Test
    void deleteRemovesTheAddress() {
        given().spec(admin).body(validBody()).put("/outbound-relay/users/alice@ourdomain.test/send-as/old@partner.test").then().statusCode(200);
        given().spec(admin).delete("/outbound-relay/users/alice@ourdomain.test/send-as/old@partner.test").then().statusCode(204);
        given().spec(admin).get("/outbound-relay/users/alice@ourdomain.test/send-as/old@partner.test").then().statusCode(404);
    }

    @Test
    void unknownUserIs404() {
        String path = "/outbound-relay/users/nobody@ourdomain.test/send-as";
        given().spec(admin).get(path).then().statusCode(404);
        given().spec(admin).get(path + "/alice@partner.test").then().statusCode(404);
        given().spec(admin).body(validBody()).put(path + "/alice@partner.test").then().statusCode(404);
        given().spec(admin).delete(path + "/alice@partner.test").then().statusCode(404);
    }

    @Test
    void addressNotRegisteredToThatUserIs404() {
        given().spec(admin).body(validBody()).put(SEND_AS_PATH).then().statusCode(200);
        given().spec(admin).get("/outbound-relay/users/bob@ourdomain.test/send-as/alice@partner.test").then().statusCode(404);
    }

    @Test
    void addressOfAnotherUserIs409() {
        given().spec(admin).body(validBody()).put(SEND_AS_PATH).then().statusCode(200);
        given().spec(admin).body(validBody()).put("/outbound-relay/users/bob@ourdomain.test/send-as/alice@partner.test")
            .then().statusCode(409);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "host|smtp partner",
        "host|",
        "port|0",
        "port|65536",
        "port|\"587\"",
        "security|SSL",
        "security|",
        "username|",
        "colour|blue",
        "verified|yes"})
    void badFieldIs400NamingIt(String field, String value) {
        Map<String, Object> body = validBody();
        if (value == null) {
            body.remove(field);
        } else if (field.equals("port")) {
            body.put(field, value.startsWith("\"") ? value.replace("\"", "") : Integer.parseInt(value));
        } else {
            body.put(field, value);
        }
        given().spec(admin).body(body).put("/outbound-relay/users/alice@ourdomain.test/send-as/new@partner.test")
            .then().statusCode(400).body("message", startsWith("'" + field + "'"));
    }

    @Test
    void missingPasswordOnCreationIs400() {
        Map<String, Object> body = validBody();
        body.remove("password");
        given().spec(admin).body(body).put("/outbound-relay/users/alice@ourdomain.test/send-as/fresh@partner.test")
            .then().statusCode(400).body("message", startsWith("'password'"));
    }

    @Test
    void addressInALocalDomainIs400() {
        given().spec(admin).body(validBody()).put("/outbound-relay/users/alice@ourdomain.test/send-as/alias@ourdomain.test")
            .then().statusCode(400).body("message", startsWith("'address'")).body("message", containsString("ourdomain.test"));
    }

    @Test
    void invalidAddressIs400() {
        given().spec(admin).body(validBody()).put("/outbound-relay/users/alice@ourdomain.test/send-as/not-an-address")
            .then().statusCode(400).body("message", startsWith("'address'"));
    }

    /**
     * Quoted local parts (a ';' would split the code mail's recipient in the mail spool, CR/LF would write lines of
     * the SMTP dialogue and of the log) and IP literals are refused even when the admin vouches, and never stored.
     */
    @ParameterizedTest
    @ValueSource(strings = {"%22alice%3Bvictim%40elsewhere.test%22@partner.test",
        "%22alice%5C%0D%5C%0ARCPT%20TO:%3Cvictim@elsewhere.test%3E%22@partner.test", "%22alice%20smith%22@partner.test",
        "alice@%5B192.0.2.10%5D"})
    void anAddressThatIsNotPlainIs400NamingTheAddress(String pathAddress) {
        given().spec(admin).urlEncodingEnabled(false).body(validBody())
            .put("/outbound-relay/users/alice@ourdomain.test/send-as/" + pathAddress)
            .then().statusCode(400).body("message", startsWith("'address'"));
        java.util.List<String> listed = given().spec(admin).get("/outbound-relay/users/alice@ourdomain.test/send-as")
            .then().statusCode(200).extract().jsonPath().getList("address", String.class);
        assertThat(listed).noneMatch(address -> address.contains("\"") || address.contains("192.0.2.10"));
    }

    private static Map<String, Object> validBody() {
        Map<String, Object> body = new HashMap<>();
        body.put("host", "smtp.partner.test");
        body.put("port", 587);
        body.put("security", "STARTTLS");
        body.put("username", "alice@partner.test");
        body.put("password", PASSWORD);
        // The admin vouches: these tests are about the API, not about trying relays (SendAsVerificationIntegrationTest).
        body.put("verified", true);
        return body;
    }
}
