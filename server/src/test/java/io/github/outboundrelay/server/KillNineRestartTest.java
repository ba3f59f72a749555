package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.testing.JamesConfCopy;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.SmtpSubmission;
import io.github.outboundrelay.testing.TestTls;

/**
 * Issue 3, durability: the server ./run starts is killed with SIGKILL while a relay mail waits in the
 * {@code outbound-relay} queue for its partner relay, which is down; the partner comes up, the server is started again
 * on the same working directory, and the partner receives the mail exactly once.
 */
class KillNineRestartTest {
    private static final String ALICE = "alice@ourdomain.test";
    private static final String ALICE_PASSWORD = "alice-secret";
    private static final String SEND_AS = "alice@partner.test";
    private static final String PARTNER_LOGIN = "alice@partner.test";
    private static final String PARTNER_PASSWORD = "partner-secret";
    private static final String RECIPIENT = "carol@elsewhere.test";
    /**
     * Long enough for the second server to start and for the test to register the send-as address again before the
     * retry (see below), short enough for a quick test. James's ActiveMQ queue hands a delayed mail out at most about
     * 10 s after it is due (its consumers wait 10 s with a selector on the due time).
     */
    private static final Duration RETRY_DELAY = Duration.ofSeconds(15);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(45);

    @TempDir
    Path workingDirectory;

    private final HttpClient http = HttpClient.newHttpClient();
    private ServerProcess james;
    private SmtpPeer partner;
    private TcpForwarder partnerPort;
    private int webAdminPort;

    @AfterEach
    void tearDown() throws Exception {
        if (james != null) {
            james.close();
        }
        if (partnerPort != null) {
            partnerPort.close();
        }
        if (partner != null) {
            partner.close();
        }
    }

    @Test
    void relayMailQueuedWhenTheServerIsKilledIsDeliveredOnceAfterTheRestart() throws Exception {
        int smtpPort = freePort();
        int submissionPort = freePort();
        int imapPort = freePort();
        webAdminPort = freePort();
        int relayPort = freePort(); // nothing listens there until the partner comes up
        JamesConfCopy.shipped()
            .edit("smtpserver.xml", "<bind>127.0.0.1:2525</bind>", "<bind>127.0.0.1:" + smtpPort + "</bind>")
            .edit("smtpserver.xml", "<bind>127.0.0.1:2587</bind>", "<bind>127.0.0.1:" + submissionPort + "</bind>")
            .edit("imapserver.xml", "<bind>127.0.0.1:1143</bind>", "<bind>127.0.0.1:" + imapPort + "</bind>")
            .edit("webadmin.properties", "port=8000", "port=" + webAdminPort)
            .edit("jmx.properties", "jmx.enabled=true", "jmx.enabled=false")
            .edit("mailetcontainer.xml", "<retryDelay>5 minutes</retryDelay>", "<retryDelay>" + RETRY_DELAY.toSeconds() + " seconds</retryDelay>")
            .edit("mailetcontainer.xml", "<maxRetryDelay>1 hour</maxRetryDelay>", "<maxRetryDelay>" + RETRY_DELAY.toSeconds() + " seconds</maxRetryDelay>")
            .edit("mailetcontainer.xml", "<outgoingQueue>outbound-relay</outgoingQueue>", "<outgoingQueue>outbound-relay</outgoingQueue>"
                + "<trustStore>" + TestTls.trustStorePath() + "</trustStore>"
                + "<trustStorePassword>" + TestTls.trustStorePassword() + "</trustStorePassword>")
            // The partner listens on loopback, on an ephemeral port: allowed as an admin allows an internal relay.
            .edit("mailetcontainer.xml", "<allowedRelayPorts>25,465,587,2525</allowedRelayPorts>",
                "<allowedRelayPorts>1024-65535</allowedRelayPorts><allowedRelayNetworks>127.0.0.0/8</allowedRelayNetworks>")
            .writeInto(workingDirectory);

        james = ServerProcess.start(workingDirectory, "first-run");
        james.awaitStarted(START_TIMEOUT);
        // The domain first: writes of send-as addresses need it to allow outbound relay.
        put("/outbound-relay/domains/ourdomain.test", "{\"allowed\":true}", 200);
        ensureAliceAndHerSendAs(relayPort);
        String subject = "kill -9 " + UUID.randomUUID();
        submit(submissionPort, subject);

        james.awaitLog("Outbound relay deferred mail", Duration.ofSeconds(20));
        Instant retryDueAt = Instant.now().plus(RETRY_DELAY);
        awaitQueueSize("spool", 0);
        assertThat(queueSize("outbound-relay")).isEqualTo(1);
        assertThat(james.killHard()).as("exit status of SIGKILL").isEqualTo(137);

        partner = SmtpPeer.builder().requireStartTls().requireAuth(PARTNER_LOGIN, PARTNER_PASSWORD).start();
        partnerPort = TcpForwarder.start(relayPort, partner.port());

        james = ServerProcess.start(workingDirectory, "second-run");
        james.awaitStarted(START_TIMEOUT);
        // The extension's store (embedded H2 under var/, the james-conf default) kept the address, its verified state
        // and the domain policy through the kill -9; only James's own users (memory flavour) are gone.
        put("/users/" + ALICE, "{\"password\":\"" + ALICE_PASSWORD + "\"}", 204);
        HttpResponse<String> sendAs = get("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS);
        assertThat(sendAs.statusCode()).isEqualTo(200);
        assertThat(sendAs.body()).contains("\"status\":\"verified\"").contains("\"port\":" + relayPort);
        assertThat(get("/outbound-relay/domains/ourdomain.test").body()).contains("\"allowed\":true");

        ReceivedMail relayed = awaitReceived(subject, RETRY_DELAY.plus(Duration.ofSeconds(30)));
        assertThat(relayed.envelopeSender()).isEqualTo(SEND_AS);
        assertThat(relayed.recipients()).containsExactly(RECIPIENT);
        assertThat(relayed.authenticatedUser()).isEqualTo(PARTNER_LOGIN);
        assertThat(relayed.tlsActive()).isTrue();
        assertThat(relayed.content()).contains("Body of " + subject);

        awaitQueueSize("outbound-relay", 0);
        Thread.sleep(1000);
        assertThat(partner.received()).filteredOn(mail -> mail.content().contains("Subject: " + subject)).hasSize(1);
        assertThat(james.log()).contains("Outbound relay delivered mail").doesNotContain("no longer registered");
    }

    /**
     * Creates Alice and registers her send-as address unless the server still knows them; true if it did register.
     * {@code "verified": true} is the admin vouching for the address (no confirmation code round trip in this test).
     */
    private boolean ensureAliceAndHerSendAs(int relayPort) throws Exception {
        if (get("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS).statusCode() == 200) {
            return false;
        }
        if (get("/users/" + ALICE).statusCode() == 404) {
            put("/users/" + ALICE, "{\"password\":\"" + ALICE_PASSWORD + "\"}", 204);
        }
        // localhost: the test certificate's DNS name (Jakarta Mail 1.6 checks host names against DNS names only).
        put("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS,
            "{\"host\":\"localhost\",\"port\":" + relayPort + ",\"security\":\"STARTTLS\",\"username\":\"" + PARTNER_LOGIN
                + "\",\"password\":\"" + PARTNER_PASSWORD + "\",\"verified\":true}", 200);
        return true;
    }

    private void submit(int submissionPort, String subject) throws Exception {
        SmtpSubmission.to(submissionPort).authenticatedAs(ALICE, ALICE_PASSWORD)
            .envelopeFrom(SEND_AS).fromHeader(SEND_AS).recipients(RECIPIENT).subject(subject).send();
    }

    private ReceivedMail awaitReceived(String subject, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ReceivedMail> matching = partner.received().stream()
                .filter(mail -> mail.content().contains("Subject: " + subject))
                .toList();
            if (!matching.isEmpty()) {
                return matching.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The partner relay received nothing within " + timeout + "; server log:\n" + james.logTail());
            }
            Thread.sleep(200);
        }
    }

    private void awaitQueueSize(String queue, long size) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (queueSize(queue) != size) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Queue " + queue + " did not reach size " + size + "; server log:\n" + james.logTail());
            }
            Thread.sleep(200);
        }
    }

    private long queueSize(String queue) throws Exception {
        HttpResponse<String> response = get("/mailQueues/" + queue);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String body = response.body();
        int at = body.indexOf("\"size\":");
        assertThat(at).as(body).isNotNegative();
        return Long.parseLong(body.substring(at + 7).replaceAll("[^0-9].*", ""));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void put(String path, String json, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT " + path + ": " + response.body()).isEqualTo(expectedStatus);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + webAdminPort + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
