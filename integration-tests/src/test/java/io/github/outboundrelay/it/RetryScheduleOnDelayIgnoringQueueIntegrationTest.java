package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.RelayScenario.withSubject;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.github.outboundrelay.testing.DelayIgnoringMailQueueFactory;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * A real James whose every MailQueue drops enqueue delays the way James 3.8.1's RabbitMQ queue does (James's memory
 * queue behind {@link DelayIgnoringMailQueueFactory}): a partner that defers twice (451) then accepts gets the mail
 * once, and no attempt before its retry time (2 s, then 4 s).
 * <p>
 * James's RabbitMQ queue itself is not booted here. It could run without Cassandra (3.8.1's {@code MailQueueViewChoice}
 * has {@code NONE}, a {@code FakeMailQueueView}), but 3.8.1 publishes no Guice wiring for it, and its
 * {@code RabbitMQMailQueueFactory} keeps each mail's content in a {@code MimeMessageStore} over a blob store besides
 * RabbitMQ: a test would need our own wiring of both and a RabbitMQ broker. The delay handling it is proved against
 * is the one line that matters: {@code RabbitMQMailQueue.enQueue(Mail, Duration)} enqueues for at once.
 */
class RetryScheduleOnDelayIgnoringQueueIntegrationTest {
    static final String LOGIN = "user@partner.test";
    static final String PASSWORD = "partner-secret";
    static final Duration RETRY_DELAY = Duration.ofSeconds(2);
    static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(4);

    static final SmtpPeer FLAKY = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();
    static final DelayIgnoringMailQueueFactory QUEUES = new DelayIgnoringMailQueueFactory(new RawMailQueueItemDecoratorFactory());

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extensionOverriding(JamesConfFolder.shipped()
        .edit("mailetcontainer.xml", "<retryDelay>5 minutes</retryDelay>", "<retryDelay>2 seconds</retryDelay>")
        .edit("mailetcontainer.xml", "<maxRetryDelay>1 hour</maxRetryDelay>", "<maxRetryDelay>4 seconds</maxRetryDelay>")
        .edit("mailetcontainer.xml", "<maxQueueLifetime>5 days</maxQueueLifetime>", "<maxQueueLifetime>1 minute</maxQueueLifetime>")
        .trustingTestRelays(), new DelayIgnoringQueues());

    /** Every MailQueueFactory key James 3.8.1's MemoryMailQueueModule binds, on the queues that drop delays. */
    static final class DelayIgnoringQueues extends AbstractModule {
        @Provides
        MailQueueFactory<?> any() {
            return QUEUES;
        }

        @Provides
        MailQueueFactory<? extends MailQueue> queues() {
            return QUEUES;
        }

        @Provides
        MailQueueFactory<? extends ManageableMailQueue> manageable() {
            return QUEUES;
        }
    }

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "flaky");
        new RelayScenario(server).allowDomain(true);
    }

    @AfterAll
    static void stopPeer() {
        FLAKY.close();
    }

    @Test
    void deferredMailIsNotAttemptedBeforeItsRetryTimeAndIsDeliveredOnce(GuiceJamesServer server) throws Exception {
        RelayScenario scenario = new RelayScenario(server);
        scenario.registerSendAs("flaky@ourdomain.test", "flaky@partner.test", FLAKY, LOGIN, PASSWORD);
        FLAKY.failNextTransactions(2, 451, "4.3.0 try again later");
        String subject = uniqueSubject();

        scenario.submissionAs("flaky@ourdomain.test", "flaky@partner.test").subject(subject).send();

        awaitAt(FLAKY, subject);
        scenario.awaitDeliveredAndRelayQueueEmpty("flaky@ourdomain.test");
        assertThat(withSubject(FLAKY, subject)).hasSize(1);
        assertThat(scenario.auditedOutcomes("flaky@ourdomain.test")).containsExactly("DEFERRED", "DEFERRED", "DELIVERED");
        assertThat(FLAKY.mailFromCount()).as("transactions the partner saw").isEqualTo(3);
        // Each attempt is audited at its end, and the next one may start only the retry delay after that.
        List<Instant> at = scenario.auditedAttemptTimes("flaky@ourdomain.test");
        assertThat(Duration.between(at.get(0), at.get(1))).isGreaterThanOrEqualTo(RETRY_DELAY);
        assertThat(Duration.between(at.get(1), at.get(2))).isGreaterThanOrEqualTo(MAX_RETRY_DELAY);
        // The queue did drop the delays: both deferrals, and the mail was put back (held 1 s each time) meanwhile.
        assertThat(QUEUES.ignoredDelays()).isGreaterThanOrEqualTo(2 + 3);
    }
}
