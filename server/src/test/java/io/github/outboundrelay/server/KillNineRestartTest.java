package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.SmtpSubmission;

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

    @TempDir
    Path workingDirectory;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    private WebAdminClient webAdmin;
    private ServerProcess james;
    private SmtpPeer partner;
    private TcpForwarder partnerPort;

    @AfterEach
    void tearDown() throws Exception {
        if (partnerPort != null) {
            partnerPort.close();
        }
        if (partner != null) {
            partner.close();
        }
    }

    @Test
    void relayMailQueuedWhenTheServerIsKilledIsDeliveredOnceAfterTheRestart() throws Exception {
        RunPorts ports = RunPorts.free();
        webAdmin = new WebAdminClient(ports.webAdmin());
        int submissionPort = ports.submission();
        int relayPort = SmtpPeer.freePort(); // nothing listens there until the partner comes up
        ports.conf()
            .edit("mailetcontainer.xml", "<retryDelay>5 minutes</retryDelay>", "<retryDelay>" + RETRY_DELAY.toSeconds() + " seconds</retryDelay>")
            .edit("mailetcontainer.xml", "<maxRetryDelay>1 hour</maxRetryDelay>", "<maxRetryDelay>" + RETRY_DELAY.toSeconds() + " seconds</maxRetryDelay>")
            .trustingTestRelays()
            // The partner listens on loopback, on an ephemeral port: allowed as an admin allows an internal relay.
            .allowingLoopbackRelays("1024-65535")
            .writeInto(workingDirectory);

        james = servers.start(workingDirectory, "first-run");
        // The domain first: writes of send-as addresses need it to allow outbound relay.
        webAdmin.put("/outbound-relay/domains/ourdomain.test", "{\"allowed\":true}", 200);
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

        james = servers.start(workingDirectory, "second-run");
        // The extension's store (embedded H2 under var/, the james-conf default) kept the address, its verified state
        // and the domain policy through the kill -9.
        HttpResponse<String> sendAs = webAdmin.get("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS);
        assertThat(sendAs.statusCode()).isEqualTo(200);
        assertThat(sendAs.body()).contains("\"status\":\"verified\"").contains("\"port\":" + relayPort);
        assertThat(webAdmin.get("/outbound-relay/domains/ourdomain.test").body()).contains("\"allowed\":true");

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
        if (webAdmin.get("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS).statusCode() == 200) {
            return false;
        }
        if (webAdmin.get("/users/" + ALICE).statusCode() == 404) {
            webAdmin.put("/users/" + ALICE, "{\"password\":\"" + ALICE_PASSWORD + "\"}", 204);
        }
        // localhost: the test certificate's DNS name (Jakarta Mail 1.6 checks host names against DNS names only).
        webAdmin.put("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS,
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
        HttpResponse<String> response = webAdmin.get("/mailQueues/" + queue);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String body = response.body();
        int at = body.indexOf("\"size\":");
        assertThat(at).as(body).isNotNegative();
        return Long.parseLong(body.substring(at + 7).replaceAll("[^0-9].*", ""));
    }
}
