package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;

import org.apache.james.GuiceJamesServer;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * The users' self-service surface over HTTPS, as scripts and browsers reach it, in a booted James: HTTP Basic with the
 * James account, the one settings flow (relay tried, code mailed to the address, confirmed), only one's own addresses,
 * the domain's policy, sign-in throttling, the session cookie's flags and CSRF protection; no password in any answer
 * or log line.
 */
class SelfServiceApiIntegrationTest {
    static final String PARTNER_LOGIN = "alice@partner.test";
    static final String PARTNER_PASSWORD = "partner-secret";
    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(PARTNER_LOGIN, PARTNER_PASSWORD).start();
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();
    static final int PORT = SmtpPeer.freePort();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .edit("mailetcontainer.xml", "<gatewayPort>2526</gatewayPort>", "<gatewayPort>" + GATEWAY.port() + "</gatewayPort>")
        .trustingTestRelays()
        .selfServiceOn(PORT));

    static final SelfServiceClient CLIENT = new SelfServiceClient(PORT);
    static final String ALICE = "alice@ourdomain.test";
    static final String PASSWORD = OutboundRelayJames.PASSWORD;

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice", "bob", "erin", "frank");
        new RelayScenario(server).allowDomain(true);
        given().spec(OutboundRelayJames.webAdmin(server)).put("/domains/closed.test").then().statusCode(204);
        given().spec(OutboundRelayJames.webAdmin(server)).body(Map.of("password", PASSWORD))
            .put("/users/dan@closed.test").then().statusCode(204);
    }

    @AfterAll
    static void stopPeers() {
        PARTNER.close();
        GATEWAY.close();
    }

    @Test
    void aliceRegistersConfirmsAndSendsThroughHerPartnerRelay() throws Exception {
        String body = relay(PARTNER_PASSWORD);
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("io.github.outboundrelay");
        Level previous = ours.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        ours.setLevel(Level.DEBUG);
        root.addAppender(logged);
        HttpResponse<String> saved;
        try {
            saved = CLIENT.api("PUT", "/api/send-as/alice@partner.test", ALICE, PASSWORD, body);
            CLIENT.api("GET", "/api/send-as", ALICE, "a-wrong-password", null);
        } finally {
            root.detachAppender(logged);
            ours.setLevel(previous);
        }
        assertThat(logged.list).isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage() + event.getMDCPropertyMap())
            .doesNotContain(PARTNER_PASSWORD).doesNotContain(PASSWORD).doesNotContain("a-wrong-password"));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(saved.body()).contains("\"status\":\"pending\"").contains("\"passwordSet\":true").doesNotContain(PARTNER_PASSWORD);

        Matcher code = RelayScenario.CONFIRMATION_CODE.matcher(awaitAt(GATEWAY, "Confirm sending mail as alice@partner.test").content());
        assertThat(code.find()).isTrue();
        assertThat(CLIENT.api("POST", "/api/send-as/alice@partner.test/confirm", ALICE, PASSWORD, "{\"code\":\"AAAA-AAAA-AAAA-AAAA\"}")
            .body()).contains("'code'");
        HttpResponse<String> confirmed = CLIENT.api("POST", "/api/send-as/alice@partner.test/confirm", ALICE, PASSWORD,
            "{\"code\":\"" + code.group(1) + "\"}");
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("\"status\":\"verified\"");
        assertThat(CLIENT.api("GET", "/api/send-as", ALICE, PASSWORD, null).body())
            .contains("alice@partner.test").doesNotContain(PARTNER_PASSWORD);

        String subject = uniqueSubject();
        new RelayScenario(james.getGuiceJamesServer()).submissionAs(ALICE, "alice@partner.test").subject(subject).send();
        assertThat(awaitAt(PARTNER, subject).envelopeSender()).isEqualTo("alice@partner.test");

        // Who changed what: Alice herself, and never her password.
        String trail = given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer()))
            .queryParam("type", "settings").queryParam("user", ALICE).get("/outbound-relay/audit")
            .then().statusCode(200).extract().body().asString();
        assertThat(trail).contains("\"event\":\"send-as-added\",\"actor\":\"user\"")
            .contains("\"actor\":\"user\",\"actorName\":null,\"user\":\"alice@ourdomain.test\",\"sendAs\":\"alice@partner.test\"")
            .doesNotContain(PARTNER_PASSWORD);
    }

    @Test
    void aUserRegistersAnAddressWithoutRelayWhileRelaysAreOffConfirmsItAndItsMailLeavesOnHerBehalf() throws Exception {
        // closed.test allows no relay but, by default, alternate addresses: Dan sends as his through our servers.
        HttpResponse<String> withRelay = CLIENT.api("PUT", "/api/send-as/dan@partner.test", "dan@closed.test", PASSWORD,
            relay(PARTNER_PASSWORD));
        assertThat(withRelay.statusCode()).isEqualTo(403);
        HttpResponse<String> saved = CLIENT.api("PUT", "/api/send-as/dan@partner.test", "dan@closed.test", PASSWORD,
            "{\"displayName\":\"Dan\"}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(saved.body()).contains("\"host\":null").contains("\"status\":\"pending\"").contains("\"path\":\"none\"");
        assertThat(CLIENT.api("PUT", "/api/send-as/dan@partner.test", "dan@closed.test", PASSWORD, "{\"port\":587}").body())
            .contains("'host' is required with 'port'");
        assertThat(CLIENT.api("POST", "/api/send-as/dan@partner.test/test", "dan@closed.test", PASSWORD, "{}").statusCode())
            .isEqualTo(403);

        String code = RelayScenario.confirmationCode(awaitAt(GATEWAY, "Confirm sending mail as dan@partner.test"));
        HttpResponse<String> confirmed = CLIENT.api("POST", "/api/send-as/dan@partner.test/confirm", "dan@closed.test",
            PASSWORD, "{\"code\":\"" + code + "\"}");
        assertThat(confirmed.body()).contains("\"status\":\"verified\"").contains("\"path\":\"ourServers\"")
            .contains("\"pathReason\":\"noRelay\"");
        assertThat(CLIENT.api("GET", "/api/policy", "dan@closed.test", PASSWORD, null).body())
            .contains("\"allowed\":false").contains("\"allowAlternateAddresses\":true");

        String subject = uniqueSubject();
        new RelayScenario(james.getGuiceJamesServer()).submissionAs("dan@closed.test", "dan@partner.test").subject(subject).send();
        ReceivedMail sent = awaitAt(GATEWAY, subject);
        assertThat(sent.envelopeSender()).isEqualTo("dan@closed.test");
        assertThat(sent.content().lines()).contains("Sender: dan@closed.test", "From: dan@partner.test");
        assertThat(CLIENT.api("DELETE", "/api/send-as/dan@partner.test", "dan@closed.test", PASSWORD, "{}").statusCode())
            .isEqualTo(204);
    }

    @Test
    void withoutValidCredentialsTheApiAnswers401() throws Exception {
        HttpResponse<String> anonymous = CLIENT.send(CLIENT.request("/api/send-as").GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Basic"));
        assertThat(CLIENT.api("GET", "/api/send-as", "frank@ourdomain.test", "wrong", null).statusCode()).isEqualTo(401);
    }

    @Test
    void bobNeitherSeesNorTakesAlicesAddress() throws Exception {
        CLIENT.api("PUT", "/api/send-as/alice.two@partner.test", ALICE, PASSWORD, relay(PARTNER_PASSWORD));

        assertThat(CLIENT.api("GET", "/api/send-as/alice.two@partner.test", "bob@ourdomain.test", PASSWORD, null).statusCode())
            .isEqualTo(404);
        assertThat(CLIENT.api("GET", "/api/send-as", "bob@ourdomain.test", PASSWORD, null).body()).doesNotContain("alice.two");
        HttpResponse<String> taken = CLIENT.api("PUT", "/api/send-as/alice.two@partner.test", "bob@ourdomain.test", PASSWORD,
            relay(PARTNER_PASSWORD));
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).doesNotContain("alice@ourdomain.test");
        assertThat(CLIENT.api("DELETE", "/api/send-as/alice.two@partner.test", "bob@ourdomain.test", PASSWORD, "{}").statusCode())
            .isEqualTo(204);
        assertThat(CLIENT.api("GET", "/api/send-as/alice.two@partner.test", ALICE, PASSWORD, null).statusCode()).isEqualTo(200);
    }

    @Test
    void badInputNamesTheFieldAndOurOwnDomainsAreRefused() throws Exception {
        HttpResponse<String> local = CLIENT.api("PUT", "/api/send-as/bob.other@ourdomain.test", "bob@ourdomain.test", PASSWORD,
            relay(PARTNER_PASSWORD));
        assertThat(local.statusCode()).isEqualTo(400);
        assertThat(local.body()).contains("'address'");
        HttpResponse<String> vouching = CLIENT.api("PUT", "/api/send-as/bob@partner.test", "bob@ourdomain.test", PASSWORD,
            "{\"host\":\"localhost\",\"port\":" + PARTNER.port() + ",\"security\":\"STARTTLS\",\"username\":\"x\","
                + "\"password\":\"y\",\"verified\":true}");
        assertThat(vouching.statusCode()).isEqualTo(400);
        assertThat(vouching.body()).contains("'verified'");
    }

    /**
     * A quoted local part is refused before anything is tried or mailed: with a ';' the code mail's recipient would be
     * split in the mail spool and the code mailed where the user chose; CR/LF would write lines into SMTP and logs.
     */
    @Test
    void anAddressThatIsNotPlainIs400NamingTheAddress() throws Exception {
        for (String pathAddress : new String[] {"%22bob%3Bvictim%40elsewhere.test%22@partner.test",
            "%22bob%5C%0D%5C%0ARCPT%20TO:%3Cvictim@elsewhere.test%3E%22@partner.test", "bob@%5B192.0.2.10%5D"}) {
            HttpResponse<String> refused = CLIENT.api("PUT", "/api/send-as/" + pathAddress, "bob@ourdomain.test", PASSWORD,
                relay(PARTNER_PASSWORD));
            assertThat(refused.statusCode()).as(pathAddress).isEqualTo(400);
            assertThat(refused.body()).as(pathAddress).contains("\"message\":\"'address'");
        }
        assertThat(CLIENT.api("GET", "/api/send-as", "bob@ourdomain.test", PASSWORD, null).body())
            .doesNotContain("victim", "192.0.2.10");
    }

    @Test
    void aDomainThatDoesNotAllowRelayingRefusesEveryRelayWrite() throws Exception {
        assertThat(CLIENT.api("GET", "/api/policy", "dan@closed.test", PASSWORD, null).body()).contains("\"allowed\":false");
        HttpResponse<String> refused = CLIENT.api("PUT", "/api/send-as/dan@partner.test", "dan@closed.test", PASSWORD,
            relay(PARTNER_PASSWORD));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("not enabled");

        // The page offers an address without SMTP server only (issue 22); its form posted with a server, with Dan's
        // valid session and token: refused all the same.
        String session = SelfServiceClient.cookie(CLIENT.signIn("dan@closed.test", PASSWORD), "__Host-outbound-relay").orElseThrow();
        HttpResponse<String> page = CLIENT.send(CLIENT.request("/send-as").header("Cookie", "__Host-outbound-relay=" + session).GET());
        assertThat(page.body()).contains("id=\"relays-off\"").contains("does not allow other mail servers")
            .doesNotContain("name=\"host\"");
        HttpResponse<String> forged = CLIENT.send(CLIENT.request("/send-as/add").header("Cookie", "__Host-outbound-relay=" + session)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(SelfServiceClient.form(Map.of("csrf", SelfServiceClient.csrf(page.body()), "address", "dan@partner.test",
                "host", "localhost", "port", Integer.toString(PARTNER.port()), "security", "STARTTLS",
                "password", PARTNER_PASSWORD))));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(CLIENT.api("GET", "/api/send-as", "dan@closed.test", PASSWORD, null).body()).isEqualTo("[]");
    }

    @Test
    void repeatedFailedSignInsAreThrottledWithTheSameAnswerForAnyAccount() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(CLIENT.api("GET", "/api/policy", "erin@ourdomain.test", "wrong-" + i, null).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = CLIENT.api("GET", "/api/policy", "erin@ourdomain.test", PASSWORD, null);
        assertThat(throttled.statusCode()).isEqualTo(429);
        for (int i = 0; i < 5; i++) {
            CLIENT.api("GET", "/api/policy", "nobody@ourdomain.test", "wrong-" + i, null);
        }
        assertThat(CLIENT.api("GET", "/api/policy", "nobody@ourdomain.test", PASSWORD, null).body())
            .isEqualTo(throttled.body());
    }

    @Test
    void theSessionCookieIsSafeRenewedAtSignInAndWritesNeedTheCsrfToken() throws Exception {
        HttpResponse<String> first = CLIENT.signIn("frank@ourdomain.test", PASSWORD);
        assertThat(first.statusCode()).isEqualTo(303);
        String header = SelfServiceClient.setCookieHeader(first, "__Host-outbound-relay").orElseThrow();
        assertThat(header).contains("; Secure").contains("; HttpOnly").contains("; SameSite=Strict").contains("; Path=/");
        String session = SelfServiceClient.cookie(first, "__Host-outbound-relay").orElseThrow();
        String again = SelfServiceClient.cookie(CLIENT.signIn("frank@ourdomain.test", PASSWORD), "__Host-outbound-relay").orElseThrow();
        assertThat(again).isNotEqualTo(session);
        assertThat(CLIENT.signIn("frank@ourdomain.test", "wrong").statusCode()).isEqualTo(401);

        HttpResponse<String> page = CLIENT.send(CLIENT.request("/send-as").header("Cookie", "__Host-outbound-relay=" + again).GET());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("frank@ourdomain.test");

        // A cross-site form: no CSRF token, and another Origin.
        HttpResponse<String> forged = CLIENT.send(CLIENT.request("/send-as/add").header("Cookie", "__Host-outbound-relay=" + again)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(SelfServiceClient.form(Map.of("address", "frank@partner.test", "host", "localhost", "port", "587",
                "security", "STARTTLS", "password", "x"))));
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> otherOrigin = CLIENT.send(CLIENT.request("/send-as/add").header("Cookie", "__Host-outbound-relay=" + again)
            .header("Origin", "https://evil.example").header("Content-Type", "application/x-www-form-urlencoded")
            .POST(SelfServiceClient.form(Map.of("csrf", SelfServiceClient.csrf(page.body()), "address", "frank@partner.test"))));
        assertThat(otherOrigin.statusCode()).isEqualTo(403);
        // The API with the session cookie but without the token.
        HttpResponse<String> apiWithoutToken = CLIENT.send(CLIENT.request("/api/send-as/frank@partner.test")
            .header("Cookie", "__Host-outbound-relay=" + again).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(relay(PARTNER_PASSWORD))));
        assertThat(apiWithoutToken.statusCode()).isEqualTo(403);
        assertThat(CLIENT.api("GET", "/api/send-as", "frank@ourdomain.test", PASSWORD, null).body()).isEqualTo("[]");

        CLIENT.send(CLIENT.request("/sign-out").header("Cookie", "__Host-outbound-relay=" + again)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(SelfServiceClient.form(Map.of("csrf", SelfServiceClient.csrf(page.body())))));
        assertThat(CLIENT.send(CLIENT.request("/send-as").header("Cookie", "__Host-outbound-relay=" + again).GET()).statusCode())
            .isEqualTo(303);
    }

    static String relay(String password) {
        return "{\"host\":\"localhost\",\"port\":" + PARTNER.port() + ",\"security\":\"STARTTLS\",\"username\":\""
            + PARTNER_LOGIN + "\",\"password\":\"" + password + "\"}";
    }
}
