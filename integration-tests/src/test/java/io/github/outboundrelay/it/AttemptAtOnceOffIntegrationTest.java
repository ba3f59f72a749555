package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.AttemptAtOnceIntegrationTest.LOGIN;
import static io.github.outboundrelay.it.AttemptAtOnceIntegrationTest.PASSWORD;
import static io.github.outboundrelay.it.AttemptAtOnceIntegrationTest.awaitDeliveredOnce;
import static io.github.outboundrelay.it.AttemptAtOnceIntegrationTest.sendAndAwaitDelivered;
import static io.github.outboundrelay.it.AttemptAtOnceIntegrationTest.sendWhileHeld;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.MemoryJamesServerMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.it.AttemptAtOnceIntegrationTest.Ways;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * {@code attemptAtOnce off} in a real James: even with a session of the account idle in the pool, the mail goes
 * through the relay queue first (the queue's delivery thread then reuses that session), and is delivered once.
 */
class AttemptAtOnceOffIntegrationTest {
    static final SmtpPeer RELAY = AttemptAtOnceIntegrationTest.partnerRelay();
    static final HoldableForwarder TO_RELAY = HoldableForwarder.to(RELAY);

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
            .edit("mailetcontainer.xml", "<attemptAtOnce>30 seconds</attemptAtOnce>", "<attemptAtOnce>off</attemptAtOnce>")
            .trustingTestRelays(),
        configuration -> MemoryJamesServerMain.createServer(configuration).combineWith(MetricsProbe.MODULE));

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "queued");
        new RelayScenario(server).allowDomain(true);
    }

    @AfterAll
    static void stopPeers() {
        TO_RELAY.close();
        RELAY.close();
    }

    @Test
    void mailGoesThroughTheRelayQueueEvenWhenASessionOfTheAccountIsIdle(GuiceJamesServer server) throws Exception {
        RelayScenario scenario = new RelayScenario(server);
        MetricsProbe metrics = server.getProbe(MetricsProbe.class);
        scenario.registerSendAs("queued@ourdomain.test", "queued@partner.test", TO_RELAY.port(), LOGIN, PASSWORD);
        sendAndAwaitDelivered(scenario, "queued@ourdomain.test", "queued@partner.test", RELAY);
        int connections = RELAY.connectionCount();

        String subject = sendWhileHeld(scenario, TO_RELAY, "queued@ourdomain.test", "queued@partner.test", 0, 1);

        awaitDeliveredOnce(scenario, RELAY, "queued@ourdomain.test", subject, "DELIVERED", "DELIVERED");
        assertThat(RELAY.connectionCount()).as("connections: the session was idle, and reused from the queue").isEqualTo(connections);
        // off: no mail takes either way of the attempt at once, not even "queued first".
        assertThat(Ways.counted(metrics)).isEqualTo(new Ways(0, 0));
    }
}
