package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.PATIENCE;
import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.RelayScenario.withSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.DeviceAuthorizationFront;
import io.github.outboundrelay.testing.OAuthTestServer;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * Issue 12 end to end in a booted James: a send-as address connected to an OAuth account with the admin API's device
 * authorization grant, against a real authorization server (mock-oauth2-server, signed JWTs, rotating refresh tokens)
 * and a partner relay that validates the bearer token (signature against the JWKS, expiry, audience) and accepts AUTH
 * XOAUTH2 only, STARTTLS required. The tests run in order on one server: connect and verify, relay, expiring tokens
 * over pooled sessions, a revoked grant and reconnecting, the token endpoint down then up, and no secret anywhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OAuthRelayIntegrationTest {
    static final String ALICE = "alice@ourdomain.test";
    static final String ADDRESS = "alice@partner.test";
    static final String ACCOUNT = "alice@partner.test";
    static final String SEND_AS = "/outbound-relay/users/" + ALICE + "/send-as/" + ADDRESS;
    /** Issued tokens last 123 s: with the 2-minute refresh margin, each is used for about 3 s, then refreshed. */
    static final long TOKEN_SECONDS = 123;
    static final long TOKEN_USABLE_SECONDS = TOKEN_SECONDS - 120;

    /** Started before James boots (it allows the test's loopback http endpoints). */
    static final OAuthPartner FIXTURE = OAuthPartner.start(List.of("XOAUTH2"));
    static final OAuthTestServer OAUTH = FIXTURE.oauth;
    static final DeviceAuthorizationFront DEVICE = FIXTURE.device;
    static final SmtpPeer PARTNER = FIXTURE.relay;
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();

    static final JamesConfFolder CONF = JamesConfFolder.shipped()
        .withShortRetries("2 minutes")
        .edit("mailetcontainer.xml", "<gatewayPort>2526</gatewayPort>", "<gatewayPort>" + GATEWAY.port() + "</gatewayPort>")
        .verificationMailThroughRelays()
        // Idle pooled sessions close quickly, so that a revoked grant is met by the next mail's new session.
        .edit("mailetcontainer.xml", "<poolIdleTimeout>30 seconds</poolIdleTimeout>", "<poolIdleTimeout>1 seconds</poolIdleTimeout>")
        // Sessions are retired after 20 mails: new ones open all along the pooled run, across token expiries.
        .edit("mailetcontainer.xml", "<poolMaxMessagesPerSession>100</poolMaxMessagesPerSession>",
            "<poolMaxMessagesPerSession>20</poolMaxMessagesPerSession>")
        .trustingTestRelays();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(CONF);

    static DebugLogCapture logs;
    /** Every admin API answer of this test, searched for secrets at the end. */
    static final List<String> ANSWERS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
        new RelayScenario(server).allowDomain(true);
        OAUTH.signInAs(ACCOUNT).accessTokensLastSeconds(TOKEN_SECONDS);
        logs = DebugLogCapture.startLeavingOut(OAuthPartner.PARTNER_LOGGERS);
    }

    @AfterAll
    static void tearDown() {
        logs.close();
        FIXTURE.close();
        GATEWAY.close();
    }

    @Test
    @Order(1)
    void anAddressConnectedWithTheDeviceGrantIsTestedVerifiedAndRelaysWithXoauth2(GuiceJamesServer server) throws Exception {
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);
        record(FIXTURE.register(admin));

        connect(admin);

        ReceivedMail confirmation = awaitAt(PARTNER, "Confirm sending mail as " + ADDRESS);
        assertThat(confirmation.authenticatedUser()).isEqualTo(ACCOUNT);
        assertThat(confirmation.tlsActive()).isTrue();
        Matcher code = RelayScenario.CONFIRMATION_CODE.matcher(confirmation.content());
        assertThat(code.find()).isTrue();
        record(given().spec(admin).body(Map.of("code", code.group(1))).post(SEND_AS + "/confirm")
            .then().statusCode(200).body("status", equalTo("verified")));

        String subject = uniqueSubject();
        new RelayScenario(server).submissionAs(ALICE, ADDRESS).subject(subject).send();

        ReceivedMail relayed = awaitAt(PARTNER, subject);
        assertThat(relayed.authenticatedUser()).isEqualTo(ACCOUNT);
        assertThat(relayed.envelopeSender()).isEqualTo(ADDRESS);
        assertThat(PARTNER.authMechanismsAccepted()).isNotEmpty().containsOnly("XOAUTH2");
        record(given().spec(admin).get("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN + "/send-as").then().statusCode(200)
            .body("[0].sendAs.credential", equalTo("oauth")));
        record(given().spec(admin).get(SEND_AS).then().statusCode(200)
            .body("credential", equalTo("oauth")).body("provider", equalTo("partner"))
            .body("passwordSet", equalTo(false)).body("reconnectNeeded", equalTo(false)).body("status", equalTo("verified")));
    }

    @Test
    @Order(2)
    void tokensExpiringDuringTwoHundredMailsOverPooledSessionsAreRefreshedWithoutAFailedDelivery(GuiceJamesServer server)
            throws Exception {
        RelayScenario scenario = new RelayScenario(server);
        int refreshesBefore = OAUTH.tokensIssued("refresh_token");
        int connectionsBefore = PARTNER.connectionCount();
        int auditedBefore = scenario.auditedOutcomes(ALICE).size();
        List<String> subjects = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        // Five batches of 40, each once the token of the one before expired, from four submitters at once: several
        // delivery threads need a token when it expires (one refresh for them all).
        java.util.concurrent.ExecutorService submitters = java.util.concurrent.Executors.newFixedThreadPool(4);
        for (int batch = 0; batch < 5; batch++) {
            List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
            List<String> batchSubjects = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String subject = "pooled-" + batch + "-" + i + "-" + uniqueSubject();
                batchSubjects.add(subject);
                submitted.add(submitters.submit(() -> {
                    scenario.submissionAs(ALICE, ADDRESS).subject(subject).send();
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> submission : submitted) {
                submission.get();
            }
            subjects.addAll(batchSubjects);
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> batchSubjects.stream().allMatch(subject -> !withSubject(PARTNER, subject).isEmpty()));
            if (batch < 4) {
                Thread.sleep(Duration.ofSeconds(TOKEN_USABLE_SECONDS).plusMillis(500).toMillis());
            }
        }
        submitters.shutdown();
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

        assertThat(subjects).allSatisfy(subject -> assertThat(withSubject(PARTNER, subject)).hasSize(1));
        List<String> outcomes = scenario.auditedOutcomes(ALICE);
        assertThat(outcomes.subList(auditedBefore, outcomes.size())).containsOnly("DELIVERED");
        assertThat(given().spec(OutboundRelayJames.webAdmin(server)).queryParam("user", ALICE).queryParam("type", "relay-attempt").queryParam("limit", 1000)
            .get("/outbound-relay/audit").then().statusCode(200).extract().jsonPath().getList("credential", String.class))
            .containsOnly("oauth");
        // Tokens are usable about 3 s each: the run crossed an expiry before each batch, and each expiry gave one
        // refresh at most (a batch may straddle one more expiry itself).
        int refreshes = OAUTH.tokensIssued("refresh_token") - refreshesBefore;
        System.out.printf("OAuthRelayIntegrationTest: 200 mails in %d s, %d refreshes, %d relay connections%n", seconds,
            refreshes, PARTNER.connectionCount() - connectionsBefore);
        assertThat(subjects).hasSize(200);
        assertThat(refreshes).isBetween(4, (int) (seconds / TOKEN_USABLE_SECONDS) + 2);
        // Pooled (20 mails a session at most): far fewer connections than mails, new ones all along the run.
        assertThat(PARTNER.connectionCount() - connectionsBefore).isBetween(10, 100);
    }

    @Test
    @Order(3)
    void aRevokedGrantHoldsTheMailTellsTheUserOnceAndReconnectingDeliversItOnce(GuiceJamesServer server) throws Exception {
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);
        RelayScenario scenario = new RelayScenario(server);
        Thread.sleep(Duration.ofSeconds(TOKEN_USABLE_SECONDS + 1).toMillis()); // the cached token is due for a refresh
        OAUTH.revokeGrants(true);
        String subject = uniqueSubject();

        scenario.submissionAs(ALICE, ADDRESS).subject(subject).send();

        String inbox = scenario.awaitMailboxContaining(ALICE, "must be reconnected");
        assertThat(inbox).contains("connect the account again").contains(subject);
        await().atMost(PATIENCE).until(() -> given().spec(admin).get(SEND_AS).then().extract().path("reconnectNeeded"),
            equalTo(true)::matches);
        given().spec(admin).get("/healthcheck/checks/{name}", "Outbound relay").then()
            .body("status", equalTo("degraded")).body("cause", org.hamcrest.Matchers.containsString("reconnected"));
        Thread.sleep(1500); // several retries meanwhile: still held, and told once only
        assertThat(withSubject(PARTNER, subject)).isEmpty();
        assertThat(countOccurrences(scenario.awaitMailboxContaining(ALICE, "must be reconnected"), "must be reconnected"))
            .isEqualTo(countOccurrences(inbox, "must be reconnected"));

        OAUTH.revokeGrants(false);
        connect(admin);

        awaitAt(PARTNER, subject);
        Thread.sleep(1000);
        assertThat(withSubject(PARTNER, subject)).hasSize(1);
        record(given().spec(admin).get(SEND_AS).then().statusCode(200)
            .body("reconnectNeeded", equalTo(false)).body("status", equalTo("verified")));
        given().spec(admin).get("/healthcheck/checks/{name}", "Outbound relay").then().body("status", equalTo("healthy"));
    }

    @Test
    @Order(4)
    void theTokenEndpointDownThenUpDeliversTheMailOnce(GuiceJamesServer server) throws Exception {
        RelayScenario scenario = new RelayScenario(server);
        Thread.sleep(Duration.ofSeconds(TOKEN_USABLE_SECONDS + 1).toMillis());
        OAUTH.failTokenRequests(true);
        int refusedBefore = OAUTH.tokenRequestsRefused();
        String subject = uniqueSubject();

        scenario.submissionAs(ALICE, ADDRESS).subject(subject).send();

        await().atMost(PATIENCE).until(() -> OAUTH.tokenRequestsRefused() >= refusedBefore + 2);
        assertThat(withSubject(PARTNER, subject)).isEmpty();
        OAUTH.failTokenRequests(false);

        awaitAt(PARTNER, subject);
        Thread.sleep(1000);
        assertThat(withSubject(PARTNER, subject)).hasSize(1);
        assertThat(scenario.auditedOutcomes(ALICE)).contains("UNREACHABLE");
    }

    @Test
    @Order(5)
    void noAccessTokenRefreshTokenClientSecretOrDeviceCodeInLogsAnswersAuditTrailOrStore(GuiceJamesServer server)
            throws Exception {
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);
        record(given().spec(admin).get("/outbound-relay/oauth-providers").then().statusCode(200));
        record(given().spec(admin).get("/outbound-relay/users/" + ALICE + "/send-as").then().statusCode(200));
        record(given().spec(admin).queryParam("user", ALICE).queryParam("limit", 1000).get("/outbound-relay/audit")
            .then().statusCode(200));
        List<String> secrets = new ArrayList<>(FIXTURE.secrets());
        assertThat(secrets).hasSizeGreaterThan(10); // tokens were issued, and the front saw them

        String logged = logs.text();
        assertThat(logged).contains(ADDRESS).contains("relay SMTP C: AUTH XOAUTH2"); // the capture did work
        String answers = String.join("\n", ANSWERS);
        for (String secret : secrets) {
            assertThat(logged).doesNotContain(secret);
            assertThat(answers).doesNotContain(secret);
        }
        assertThat(logs.mdcs()).allSatisfy(mdc -> assertThat(mdc.values())
            .allSatisfy(value -> secrets.forEach(secret -> assertThat(value).doesNotContain(secret))));
        // Every file of the server's working directory: the H2 store (send-as addresses, providers, audit) above all.
        List<java.nio.file.Path> files;
        try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(CONF.workingDirectory().toPath())) {
            files = walk.filter(java.nio.file.Files::isRegularFile).toList();
        }
        assertThat(files).anySatisfy(file -> assertThat(file.toString()).contains("outbound-relay").endsWith(".mv.db"));
        for (java.nio.file.Path file : files) {
            String content = new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertThat(content).as("%s", file).doesNotContain(secret);
            }
        }
    }

    /** The device grant through the admin API: start, the user approves, the address is saved in the background. */
    private static void connect(RequestSpecification admin) {
        String userCode = given().spec(admin).body(Map.of("provider", "partner", "username", ACCOUNT))
            .post(SEND_AS + "/oauth/device")
            .then().statusCode(202).body("verificationUri", equalTo("https://login.partner.test/device"))
            .extract().path("userCode");
        record(given().spec(admin).get(SEND_AS + "/oauth/device").then().statusCode(200).body("state", equalTo("waiting")));
        DEVICE.approve(userCode);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
            .until(() -> given().spec(admin).get(SEND_AS + "/oauth/device").then().extract().path("state"),
                state -> !"waiting".equals(state));
        record(given().spec(admin).get(SEND_AS + "/oauth/device").then().statusCode(200)
            .body("state", equalTo("connected")).body("sendAs.credential", equalTo("oauth")));
    }

    private static void record(ValidatableResponse response) {
        ANSWERS.add(response.extract().asString());
    }

    private static int countOccurrences(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
