package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.james.GuiceJamesServer;
import org.apache.james.utils.TestIMAPClient;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.SmtpSubmission;
import io.restassured.specification.RequestSpecification;

/**
 * What the relay tests do to a booted James and how they read the outcome: the admin calls a James admin would make,
 * and the mail that really arrived at an SMTP peer or in a user's mailbox.
 */
final class RelayScenario {
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final java.util.regex.Pattern CONFIRMATION_CODE =
        java.util.regex.Pattern.compile("Confirmation code: ([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})");

    private final GuiceJamesServer server;
    private final RequestSpecification admin;

    RelayScenario(GuiceJamesServer server) {
        this.server = server;
        this.admin = OutboundRelayJames.webAdmin(server);
    }

    void allowDomain(boolean allowed) {
        given().spec(admin).body(Map.of("allowed", allowed))
            .put("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN)
            .then().statusCode(200);
    }

    /**
     * Registers {@code address} for {@code user}, relayed through {@code relay} on localhost with STARTTLS, the admin
     * vouching for it (no confirmation code needed).
     */
    void registerSendAs(String user, String address, SmtpPeer relay, String login, String password) {
        registerSendAs(user, address, relay.port(), login, password);
    }

    /** The same, for a relay on that port of localhost, which may not listen yet. */
    void registerSendAs(String user, String address, int relayPort, String login, String password) {
        given().spec(admin)
            .body(Map.of("host", "localhost", "port", relayPort, "security", "STARTTLS",
                "username", login, "password", password, "verified", true))
            .put("/outbound-relay/users/" + user + "/send-as/" + address)
            .then().statusCode(200);
    }

    /** The outcomes of the user's relay attempts so far, oldest first, from the audit API. */
    List<String> auditedOutcomes(String user) {
        return given().spec(admin).queryParam("user", user).queryParam("type", "relay-attempt").queryParam("limit", 1000)
            .get("/outbound-relay/audit")
            .then().statusCode(200)
            .extract().jsonPath().getList("outcome", String.class);
    }

    /** When each of the user's relay attempts so far was recorded (at its end), oldest first, from the audit API. */
    List<Instant> auditedAttemptTimes(String user) {
        return given().spec(admin).queryParam("user", user).queryParam("type", "relay-attempt").queryParam("limit", 1000)
            .get("/outbound-relay/audit")
            .then().statusCode(200)
            .extract().jsonPath().getList("at", String.class).stream()
            .map(Instant::parse)
            .toList();
    }

    /**
     * Once the user's relay attempts include a delivery and James's {@code outbound-relay} queue holds nothing, waiting
     * or being delivered (its size counts both): no later copy of a mail relayed so far can reach a relay.
     */
    void awaitDeliveredAndRelayQueueEmpty(String user) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
            .until(() -> auditedOutcomes(user).contains("DELIVERED") && relayQueueSize() == 0);
    }

    private long relayQueueSize() {
        return queueSize("outbound-relay");
    }

    /** Mails in James's queue of that name (e.g. {@code spool}), waiting or being processed, from the WebAdmin API. */
    long queueSize(String queue) {
        return given().spec(admin).get("/mailQueues/" + queue)
            .then().statusCode(200)
            .extract().jsonPath().getLong("size");
    }

    /** Submits over the submission port as {@code user}, with MAIL FROM and From: both {@code sendAs}. */
    SmtpSubmission submissionAs(String user, String sendAs) {
        return SmtpSubmission.to(OutboundRelayJames.submissionPort(server))
            .authenticatedAs(user, OutboundRelayJames.PASSWORD)
            .envelopeFrom(sendAs)
            .fromHeader(sendAs);
    }

    /** The first message of the user's INBOX once one arrived, read over IMAP. */
    String awaitFirstMessageInMailbox(String user) throws Exception {
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect("127.0.0.1", OutboundRelayJames.imapPort(server))
                .login(user, OutboundRelayJames.PASSWORD)
                .select(TestIMAPClient.INBOX);
            imap.awaitMessage(await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)));
            return imap.readFirstMessage();
        }
    }

    /**
     * Every message of the user's INBOX, as one IMAP FETCH answer, once one of them contains {@code text}.
     */
    String awaitMailboxContaining(String user, String text) throws Exception {
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect("127.0.0.1", OutboundRelayJames.imapPort(server))
                .login(user, OutboundRelayJames.PASSWORD)
                .select(TestIMAPClient.INBOX);
            return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> imap.sendCommand("FETCH 1:* (BODY.PEEK[])"), all -> all.contains(text));
        }
    }

    static ReceivedMail awaitAt(SmtpPeer peer, String subject) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
            .until(() -> withSubject(peer, subject).stream().findFirst(), found -> found.isPresent())
            .orElseThrow();
    }

    /** Every message the peer received whose Subject is {@code subject}: one per delivery, duplicates included. */
    static List<ReceivedMail> withSubject(SmtpPeer peer, String subject) {
        return peer.received().stream()
            .filter(mail -> mail.content().lines().anyMatch(line -> line.equals("Subject: " + subject)))
            .toList();
    }

    static List<String> subjectsAt(SmtpPeer peer) {
        return peer.received().stream()
            .flatMap(mail -> mail.content().lines())
            .filter(line -> line.startsWith("Subject: "))
            .map(line -> line.substring("Subject: ".length()))
            .toList();
    }

    /** The one-time code of a confirmation mail as a peer received it. */
    static String confirmationCode(ReceivedMail mail) {
        java.util.regex.Matcher matcher = CONFIRMATION_CODE.matcher(mail.content());
        if (!matcher.find()) {
            throw new AssertionError("no confirmation code in the mail: " + mail.content());
        }
        return matcher.group(1);
    }

    static String uniqueSubject() {
        return "relay-test-" + UUID.randomUUID();
    }
}
