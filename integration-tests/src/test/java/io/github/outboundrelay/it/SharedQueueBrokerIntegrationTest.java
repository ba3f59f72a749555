package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.RelayScenario.withSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.sun.mail.smtp.SMTPSendFailedException;

import io.github.outboundrelay.server.OutboundRelayServerMain;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.StandaloneActiveMQ;

/**
 * The server of ./run with every MailQueue on a standalone ActiveMQ broker (Debian's {@code activemq}, a process of
 * this test, with credentials) named by {@code queue.broker.url}: relay mail waits in the broker, not on the node's
 * disk. With the broker down, submission answers 451 and the health check says degraded; once it is back, new mail
 * is taken again and the mail that waited in the broker is delivered, once.
 */
class SharedQueueBrokerIntegrationTest {
    static final String LOGIN = "user@partner.test";
    static final String PASSWORD = "partner-secret";
    static final String HEALTH_CHECK = "Shared ActiveMQ broker";

    static final Path BROKER_DIRECTORY = temporaryDirectory();
    static final StandaloneActiveMQ BROKER = StandaloneActiveMQ.startNew(BROKER_DIRECTORY);
    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .edit("mailetcontainer.xml", "<retryDelay>5 minutes</retryDelay>", "<retryDelay>1 second</retryDelay>")
        .edit("mailetcontainer.xml", "<maxRetryDelay>1 hour</maxRetryDelay>", "<maxRetryDelay>1 second</maxRetryDelay>")
        .edit("mailetcontainer.xml", "<maxQueueLifetime>5 days</maxQueueLifetime>", "<maxQueueLifetime>5 minutes</maxQueueLifetime>")
        .edit("outbound-relay.properties", "\nstore=jdbc\n", "\nstore=jdbc\nqueue.broker.url=" + BROKER.url()
            + "\nqueue.broker.username=" + StandaloneActiveMQ.USER + "\nqueue.broker.password=" + StandaloneActiveMQ.PASSWORD
            + "\nqueue.broker.timeout=2s\n")
        .trustingTestRelays(), OutboundRelayServerMain::createServer);

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
        new RelayScenario(server).allowDomain(true);
    }

    @AfterAll
    static void stop() throws IOException {
        PARTNER.close();
        BROKER.close();
        try (Stream<Path> files = Files.walk(BROKER_DIRECTORY)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @Test
    void mailWaitsInTheSharedBrokerAndABrokerOutageRefusesNewMailUntilItIsBack(GuiceJamesServer server) throws Exception {
        RelayScenario scenario = new RelayScenario(server);
        scenario.registerSendAs("alice@ourdomain.test", "alice@partner.test", PARTNER, LOGIN, PASSWORD);
        assertThat(healthStatus(server)).isEqualTo("healthy");

        // Deferred once: the mail waits for its retry in the broker...
        PARTNER.failNextTransactions(1, 451, "4.3.0 try again later");
        String waiting = uniqueSubject();
        scenario.submissionAs("alice@ourdomain.test", "alice@partner.test").subject(waiting).send();
        await().atMost(RelayScenario.PATIENCE).until(() -> scenario.auditedOutcomes("alice@ourdomain.test").contains("DEFERRED"));

        // ...which goes down: nothing new is accepted that could not be queued, and the node says so.
        BROKER.kill();
        assertThatThrownBy(() -> scenario.submissionAs("alice@ourdomain.test", "alice@partner.test").subject(uniqueSubject()).send())
            .isInstanceOf(SMTPSendFailedException.class)
            .satisfies(refused -> assertThat(((SMTPSendFailedException) refused).getReturnCode()).isEqualTo(451));
        assertThat(healthStatus(server)).isEqualTo("degraded");

        BROKER.start();
        await().atMost(RelayScenario.PATIENCE).until(() -> healthStatus(server).equals("healthy"));
        String afterOutage = uniqueSubject();
        scenario.submissionAs("alice@ourdomain.test", "alice@partner.test").subject(afterOutage).send();

        awaitAt(PARTNER, waiting);
        awaitAt(PARTNER, afterOutage);
        scenario.awaitDeliveredAndRelayQueueEmpty("alice@ourdomain.test");
        assertThat(withSubject(PARTNER, waiting)).hasSize(1);
        assertThat(withSubject(PARTNER, afterOutage)).hasSize(1);
    }

    private static String healthStatus(GuiceJamesServer server) {
        return given().spec(OutboundRelayJames.webAdmin(server)).get("/healthcheck/checks/{name}", HEALTH_CHECK)
            .then().extract().jsonPath().getString("status");
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("shared-activemq");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
