package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.Dnsmasq;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SilentDnsServer;
import io.github.outboundrelay.testing.SmtpPeer;
import io.restassured.specification.RequestSpecification;

/**
 * Issue 26, DMARC-aware send-as, in a James booted from james-conf whose DNS service (James's own DNSJavaService) asks a
 * real DNS server, dnsmasq on loopback, for the {@code _dmarc} TXT records of the addresses' domains: p=reject refused
 * without relay in both APIs (the organizational domain's record too) and accepted with one; quarantine warned; none and
 * no record accepted; the domain's switch off; a DNS server that does not answer; a policy that hardens after
 * registration, shown and told once while the mail keeps going through our servers.
 */
class DmarcSendAsIntegrationTest {
    static final Map<String, String> RECORDS = Map.of(
        "_dmarc.reject.test", "v=DMARC1; p=reject; rua=mailto:dmarc@reject.test",
        "_dmarc.quarantine.test", "v=DMARC1; p=quarantine",
        "_dmarc.none.test", "v=DMARC1; p=none",
        "_dmarc.parent.test", "v=DMARC1; p=none; sp=reject",
        "_dmarc.hardening.test", "v=DMARC1; p=none");
    static final Dnsmasq DNS = Dnsmasq.onFreePort();
    static final String PARTNER_LOGIN = "alice@reject.test";
    static final String PARTNER_PASSWORD = "partner-secret";
    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(PARTNER_LOGIN, PARTNER_PASSWORD).start();
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();
    static final int PORT = SmtpPeer.freePort();
    static final String ALICE = "alice@" + OutboundRelayJames.DOMAIN;
    static final String POLICY = "/outbound-relay/domains/" + OutboundRelayJames.DOMAIN;
    static final String REFUSAL = "reject.test asks receivers to reject mail not sent by its own servers: add its SMTP server";

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extensionOverriding(JamesConfFolder.shipped()
        .withGateway(GATEWAY)
        .trustingTestRelays()
        .selfServiceOn(PORT)
        .edit("outbound-relay.properties", "#dmarc.maxAge=1h", "dmarc.maxAge=1s")
        .edit("outbound-relay.properties", "#dmarc.retryUnknownAfter=1m", "dmarc.retryUnknownAfter=1s"), OutboundRelayJames.dnsServiceAsking(DNS));

    static final SelfServiceClient CLIENT = new SelfServiceClient(PORT);

    static {
        DNS.serve(RECORDS);
    }

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
    }

    @AfterAll
    static void stopPeers() {
        DNS.close();
        PARTNER.close();
        GATEWAY.close();
    }

    @AfterEach
    void cleanUp() {
        RequestSpecification admin = admin();
        for (String address : given().spec(admin).get("/outbound-relay/users/" + ALICE + "/send-as")
            .then().extract().jsonPath().getList("address", String.class)) {
            given().spec(admin).delete(sendAs(address)).then().statusCode(204);
        }
        given().spec(admin).body(Map.of("allowed", true, "checkDmarc", true)).put(POLICY).then().statusCode(200);
    }

    @Test
    void rejectIsRefusedWithoutRelayInBothApisAlsoByTheOrganizationalDomainAndAcceptedWithItsRelay() throws Exception {
        given().spec(admin()).body(Map.of("allowed", true)).put(POLICY).then().statusCode(200).body("checkDmarc", equalTo(true));

        given().spec(admin()).body(Map.of()).put(sendAs("alice@reject.test"))
            .then().statusCode(422).body("message", equalTo(REFUSAL));
        HttpResponse<String> byAlice = CLIENT.api("PUT", "/api/send-as/alice@reject.test", ALICE, OutboundRelayJames.PASSWORD, "{}");
        assertThat(byAlice.statusCode()).isEqualTo(422);
        assertThat(byAlice.body()).contains(REFUSAL);
        given().spec(admin()).body(Map.of()).put(sendAs("alice@mail.parent.test"))
            .then().statusCode(422).body("message", startsWith("mail.parent.test asks receivers to reject mail not sent by its own servers"));
        given().spec(admin()).get("/outbound-relay/users/" + ALICE + "/send-as").then().body("size()", equalTo(0));

        given().spec(admin())
            .body(Map.of("host", "localhost", "port", PARTNER.port(), "security", "STARTTLS", "username", PARTNER_LOGIN,
                "password", PARTNER_PASSWORD, "verified", true))
            .put(sendAs("alice@reject.test"))
            .then().statusCode(200).body("path", equalTo("relay")).body("dmarcPolicy", nullValue());
    }

    @Test
    void quarantineIsAcceptedWithAWarningNoneAndNoRecordWithout() throws Exception {
        given().spec(admin()).body(Map.of()).put(sendAs("alice@quarantine.test"))
            .then().statusCode(200).body("dmarcPolicy", equalTo("quarantine"))
            .body("dmarcWarning", startsWith("quarantine.test asks receivers to treat mail not sent by its own servers as spam"));
        assertThat(CLIENT.api("GET", "/api/send-as/alice@quarantine.test", ALICE, OutboundRelayJames.PASSWORD, null).body())
            .contains("\"dmarcPolicy\":\"quarantine\"").contains("may end up in spam folders");

        HttpResponse<String> none = CLIENT.api("PUT", "/api/send-as/alice@none.test", ALICE, OutboundRelayJames.PASSWORD, "{}");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(none.body()).contains("\"dmarcPolicy\":\"none\"").contains("\"dmarcWarning\":null");
        given().spec(admin()).body(Map.of()).put(sendAs("alice@norecord.test"))
            .then().statusCode(200).body("dmarcPolicy", equalTo("noRecord")).body("dmarcWarning", nullValue());
    }

    @Test
    void theDomainsSwitchOffAcceptsRejectWithoutRelayAndTheAuditTrailHasIt() {
        given().spec(admin()).body(Map.of("allowed", true, "checkDmarc", false)).put(POLICY)
            .then().statusCode(200).body("checkDmarc", equalTo(false)).body("allowAlternateAddresses", equalTo(true));
        given().spec(admin()).body(Map.of("allowed", true)).put(POLICY).then().body("checkDmarc", equalTo(false));

        given().spec(admin()).body(Map.of()).put(sendAs("alice@reject.test"))
            .then().statusCode(200).body("dmarcPolicy", nullValue());
        given().spec(admin()).queryParam("type", "settings").queryParam("limit", 1000).get("/outbound-relay/audit")
            .then().statusCode(200)
            .body("findAll { it.event == 'domain-policy-changed' }.detail", org.hamcrest.Matchers.hasItem(
                org.hamcrest.Matchers.containsString("checkDmarc true -> false")));
    }

    @Test
    void aDnsServerThatDoesNotAnswerLeavesTheAddressAcceptedAsUnknownAndItIsAskedAgainLater() throws Exception {
        DNS.stop();
        try (SilentDnsServer silent = new SilentDnsServer(DNS.port())) {
            long start = System.nanoTime();
            given().spec(admin()).body(Map.of()).put(sendAs("alice@slow.test"))
                .then().statusCode(200).body("dmarcPolicy", equalTo("unknown"))
                .body("dmarcWarning", equalTo("The DMARC policy of slow.test could not be checked yet (no answer from DNS): "
                    + "it is checked again later"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("dmarc.timeout (2 s), not dnsjava's 10 s")
                .isLessThan(Duration.ofSeconds(6));
        } finally {
            DNS.serve(with("_dmarc.slow.test", "v=DMARC1; p=quarantine"));
        }

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
            given().spec(admin()).get(sendAs("alice@slow.test")).then().body("dmarcPolicy", equalTo("quarantine")));
        DNS.serve(RECORDS);
    }

    @Test
    void aPolicyThatHardensIsShownTheMailKeepsGoingAndAliceIsToldOnceInHerMailbox() throws Exception {
        given().spec(admin()).body(Map.of("verified", true)).put(sendAs("alice@hardening.test"))
            .then().statusCode(200).body("dmarcPolicy", equalTo("none")).body("path", equalTo("ourServers"));
        RelayScenario scenario = new RelayScenario(james.getGuiceJamesServer());

        DNS.serve(with("_dmarc.hardening.test", "v=DMARC1; p=reject"));
        try {
            Thread.sleep(2200); // dmarc.maxAge (1 s) here and the record's TTL (1 s) in James's DNS cache
            // The mail path never waits for DNS: the first mail starts the lookup, a later one finds its answer.
            for (int i = 0; i < 3; i++) {
                String subject = uniqueSubject();
                scenario.submissionAs(ALICE, "alice@hardening.test").subject(subject).send();
                ReceivedMail sent = awaitAt(GATEWAY, subject);
                assertThat(sent.envelopeSender()).as("still through our servers, on her behalf").isEqualTo(ALICE);
                Thread.sleep(500);
            }
            String mailbox = scenario.awaitMailboxContaining(ALICE, "hardening.test now publishes the DMARC policy p=reject");
            assertThat(mailbox).contains("Subject: hardening.test may reject your mail from alice@hardening.test");

            String last = uniqueSubject();
            scenario.submissionAs(ALICE, "alice@hardening.test").subject(last).send();
            awaitAt(GATEWAY, last);
            Thread.sleep(1500); // a second notice would be in the mailbox by now
            assertThat(count(scenario.awaitMailboxContaining(ALICE, "p=reject"), "now publishes the DMARC policy"))
                .as("told once").isEqualTo(1);

            given().spec(admin()).get(sendAs("alice@hardening.test")).then()
                .body("path", equalTo("ourServers")).body("dmarcPolicy", equalTo("reject"))
                .body("dmarcWarning", startsWith("hardening.test now asks receivers to reject mail not sent by its own servers"));
            List<String> overview = given().spec(admin()).get("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN + "/send-as")
                .then().statusCode(200).extract().jsonPath().getList("sendAs.dmarcWarning", String.class);
            assertThat(overview).anySatisfy(warning -> assertThat(warning).startsWith("hardening.test now asks receivers to reject"));
            given().spec(admin()).queryParam("type", "settings").queryParam("user", ALICE).get("/outbound-relay/audit")
                .then().body("findAll { it.event == 'dmarc-policy-hardened' }.size()", equalTo(1));
        } finally {
            DNS.serve(RECORDS);
        }
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static Map<String, String> with(String name, String text) {
        Map<String, String> records = new HashMap<>(RECORDS);
        records.put(name, text);
        return records;
    }

    private static RequestSpecification admin() {
        return OutboundRelayJames.webAdmin(james.getGuiceJamesServer());
    }

    private static String sendAs(String address) {
        return "/outbound-relay/users/" + ALICE + "/send-as/" + address;
    }
}
