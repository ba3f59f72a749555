package io.github.outboundrelay.server;

import java.time.Duration;

import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * James's {@link ActiveMQMailQueueFactory} on the embedded or the shared broker ({@link MailQueueBroker}), with two
 * changes to its queues: {@code deQueue()} runs on the queue's own threads, and it survives a broker outage.
 * <p>
 * James's JMS queue dequeues by blocking in {@code MessageConsumer.receive(10 s)}, in a {@code Flux} that repeats
 * for ever; whoever subscribes to it without {@code subscribeOn} is blocked for good. James's own consumers
 * (the spooler, RemoteDelivery) all subscribe on a scheduler of their own; with this factory any other consumer,
 * such as a mailet's delivery loop started from {@code init()}, may subscribe from its own thread too.
 * <p>
 * James's dequeue {@code Flux} ends for good at the first error ({@code Mono.defer(...).repeat()}): a broker out of
 * reach would stop the spooler and every delivery loop until James restarts. Here it starts again after a pause, so
 * delivery waits for the broker and resumes by itself when it is back.
 */
public class PersistentMailQueueFactory extends ActiveMQMailQueueFactory {
    private static final Logger LOGGER = LoggerFactory.getLogger(PersistentMailQueueFactory.class);
    private static final Duration DEQUEUE_RETRY_PAUSE = Duration.ofSeconds(1);

    private final ActiveMQMetricCollector metricCollector;
    private final boolean contentInLocalFiles;

    @Inject
    PersistentMailQueueFactory(MailQueueBroker broker, MailQueueItemDecoratorFactory decoratorFactory,
                               MetricFactory metricFactory, GaugeRegistry gaugeRegistry,
                               ActiveMQMetricCollector metricCollector) {
        super(broker.connectionFactory(), decoratorFactory, metricFactory, gaugeRegistry, metricCollector);
        this.metricCollector = metricCollector;
        this.contentInLocalFiles = broker.contentInLocalFiles();
        // Each queue gets its management MBean, as in James's ActiveMQ flavours; init() (a @PostConstruct that
        // Guice does not call) provides the MBean server for that.
        setUseJMX(true);
        init();
    }

    @Override
    protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
        metricCollector.collectQueueStatistics(name);
        return new OwnThreadDequeueMailQueue(connectionFactory, mailQueueItemDecoratorFactory, name, contentInLocalFiles,
            metricFactory, gaugeRegistry);
    }

    private static final class OwnThreadDequeueMailQueue extends ActiveMQCacheableMailQueue {
        private static final int DEQUEUE_THREADS = 10;
        private static final int THREAD_TTL_SECONDS = 60;

        private final Scheduler dequeueScheduler;
        private final Flux<MailQueueItem> dequeue;

        OwnThreadDequeueMailQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decoratorFactory,
                                  MailQueueName name, boolean contentInLocalFiles, MetricFactory metricFactory,
                                  GaugeRegistry gaugeRegistry) {
            // Embedded broker: mail content goes through the blob transfer policy (a file per mail), as James's
            // default; shared broker: in the message, which every node can read.
            super(connectionFactory, decoratorFactory, name, contentInLocalFiles, metricFactory, gaugeRegistry);
            this.dequeueScheduler = Schedulers.newBoundedElastic(DEQUEUE_THREADS, Integer.MAX_VALUE,
                "activemq-dequeue-" + name.asString(), THREAD_TTL_SECONDS, true);
            this.dequeue = super.deQueue()
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, DEQUEUE_RETRY_PAUSE)
                    .doBeforeRetry(signal -> LOGGER.warn("Mail queue {} cannot dequeue ({}); trying again in {}",
                        name.asString(), signal.failure().getMessage(), DEQUEUE_RETRY_PAUSE)))
                .subscribeOn(dequeueScheduler);
        }

        @Override
        public Flux<MailQueueItem> deQueue() {
            return dequeue;
        }

        @Override
        public void dispose() {
            super.dispose();
            dequeueScheduler.dispose();
        }
    }
}
