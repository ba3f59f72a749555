package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.SmtpPeer;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Who changed what, read back from {@code GET /outbound-relay/audit} of a booted James on the shipped conf (JDBC store,
 * H2): an admin's WebAdmin actions (policy on, address added, code confirmed, password changed, relay tested, address
 * removed, keys rotated) are configuration events with actor {@code admin}, listed beside the relay attempt of a mail
 * sent in between, and no password appears anywhere in the answer.
 */
class AuditTrailIntegrationTest {
    static final String LOGIN = "alice@partner.test";
    static final String FIRST_PASSWORD = "first-Secret-7c1";
    static final String SECOND_PASSWORD = "second-Secret-4d9";
    static final String PATH = "/outbound-relay/users/alice@ourdomain.test/send-as/alice@partner.test";

    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, FIRST_PASSWORD).start();
    /** The domain's gateway, where the verification code goes (the address's mailbox). */
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .withGateway(GATEWAY)
        .trustingTestRelays());

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
    }

    @AfterAll
    static void stopPeers() {
        PARTNER.close();
        GATEWAY.close();
    }

    @Test
    void adminActionsAreRecordedAsTheAdminsBesideRelayAttemptsWithoutAnyPassword(GuiceJamesServer server) throws Exception {
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);
        Instant since = Instant.now();

        given().spec(admin).body(Map.of("allowed", true)).put("/outbound-relay/domains/ourdomain.test").then().statusCode(200);
        given().spec(admin).body(body(FIRST_PASSWORD)).put(PATH).then().statusCode(200).body("status", equalTo("pending"));
        Matcher code = RelayScenario.CONFIRMATION_CODE.matcher(awaitAt(GATEWAY, "Confirm sending mail as alice@partner.test").content());
        assertThat(code.find()).isTrue();
        given().spec(admin).body(Map.of("code", code.group(1))).post(PATH + "/confirm").then().statusCode(200)
            .body("status", equalTo("verified"));
        PARTNER.acceptCredentials(LOGIN, SECOND_PASSWORD); // the partner's password was changed there
        given().spec(admin).body(body(SECOND_PASSWORD)).put(PATH).then().statusCode(200).body("status", equalTo("verified"));
        String subject = uniqueSubject();
        new RelayScenario(server).submissionAs("alice@ourdomain.test", "alice@partner.test").subject(subject).send();
        awaitAt(PARTNER, subject);
        given().spec(admin).post(PATH + "/test").then().statusCode(200);
        given().spec(admin).delete(PATH).then().statusCode(204);
        given().spec(admin).body("{}").post("/outbound-relay/secrets/rotation").then().statusCode(200);

        String answer = given().spec(admin).queryParam("since", since.toString()).get("/outbound-relay/audit")
            .then().statusCode(200).extract().asString();
        System.out.println("GET /outbound-relay/audit answered: " + answer);
        JsonPath audit = JsonPath.from(answer);

        assertThat(answer).doesNotContain(FIRST_PASSWORD).doesNotContain(SECOND_PASSWORD).doesNotContain(code.group(1));
        assertThat(audit.getList("type", String.class)).containsOnly("settings", "relay-attempt");
        List<Map<String, Object>> events = audit.getList("findAll { it.type == 'settings' }");
        assertThat(events).extracting(event -> event.get("event")).containsExactly(
            "domain-policy-changed",
            "relay-tested", "send-as-added", "verification-code-mailed",
            "send-as-verified",
            "relay-tested", "send-as-changed",
            "relay-tested",
            "send-as-removed",
            "secret-keys-rotated");
        assertThat(events).allSatisfy(event -> assertThat(event.get("actor")).isEqualTo("admin"));
        assertThat(events.get(0)).containsEntry("domain", "ourdomain.test")
            .containsEntry("detail", "allowed false -> true, allowInsecure false -> false, allowAlternateAddresses true -> true, checkDmarc true -> true");
        assertThat(events.subList(1, 9)).allSatisfy(event -> assertThat(event)
            .containsEntry("user", "alice@ourdomain.test").containsEntry("sendAs", "alice@partner.test"));
        assertThat(events.get(4)).containsEntry("detail", "by the code mailed to the address");
        assertThat(events.get(6)).containsEntry("detail", "password replaced; status verified");
        assertThat(events.get(7).get("detail").toString()).endsWith(": ok");

        // the mail sent between the password change and the relay test is listed there, as a relay attempt
        List<String> order = audit.getList("collect { it.type == 'settings' ? it.event : it.outcome }", String.class);
        assertThat(order.subList(order.indexOf("send-as-changed") + 1, order.lastIndexOf("relay-tested")))
            .containsExactly("DELIVERED");
        given().spec(admin).queryParam("since", since.toString()).queryParam("type", "relay-attempt").get("/outbound-relay/audit")
            .then().statusCode(200).body("outcome", org.hamcrest.Matchers.contains("DELIVERED"));
    }

    private static Map<String, Object> body(String password) {
        Map<String, Object> body = new HashMap<>();
        body.put("host", "localhost");
        body.put("port", PARTNER.port());
        body.put("security", "STARTTLS");
        body.put("username", LOGIN);
        body.put("password", password);
        return body;
    }
}
