package io.github.outboundrelay.server;

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

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * James's {@link ActiveMQMailQueueFactory} on the embedded broker, with one change to its queues: {@code deQueue()}
 * runs on the queue's own threads.
 * <p>
 * James's JMS queue dequeues by blocking in {@code MessageConsumer.receive(10 s)}, in a {@code Flux} that repeats
 * for ever; whoever subscribes to it without {@code subscribeOn} is blocked for good. James's own consumers
 * (the spooler, RemoteDelivery) all subscribe on a scheduler of their own; with this factory any other consumer,
 * such as a mailet's delivery loop started from {@code init()}, may subscribe from its own thread too.
 */
public class PersistentMailQueueFactory extends ActiveMQMailQueueFactory {
    private final ActiveMQMetricCollector metricCollector;

    @Inject
    public PersistentMailQueueFactory(EmbeddedActiveMQBroker broker, MailQueueItemDecoratorFactory decoratorFactory,
                                      MetricFactory metricFactory, GaugeRegistry gaugeRegistry,
                                      ActiveMQMetricCollector metricCollector) {
        super(broker.connectionFactory(), decoratorFactory, metricFactory, gaugeRegistry, metricCollector);
        this.metricCollector = metricCollector;
        // Each queue gets its management MBean, as in James's ActiveMQ flavours; init() (a @PostConstruct that
        // Guice does not call) provides the MBean server for that.
        setUseJMX(true);
        init();
    }

    @Override
    protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
        metricCollector.collectQueueStatistics(name);
        return new OwnThreadDequeueMailQueue(connectionFactory, mailQueueItemDecoratorFactory, name, metricFactory, gaugeRegistry);
    }

    private static final class OwnThreadDequeueMailQueue extends ActiveMQCacheableMailQueue {
        private static final int DEQUEUE_THREADS = 10;
        private static final int THREAD_TTL_SECONDS = 60;

        private final Scheduler dequeueScheduler;
        private final Flux<MailQueueItem> dequeue;

        OwnThreadDequeueMailQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decoratorFactory,
                                  MailQueueName name, MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
            // true: mail content goes through the blob transfer policy (a file per mail), as James's default
            super(connectionFactory, decoratorFactory, name, true, metricFactory, gaugeRegistry);
            this.dequeueScheduler = Schedulers.newBoundedElastic(DEQUEUE_THREADS, Integer.MAX_VALUE,
                "activemq-dequeue-" + name.asString(), THREAD_TTL_SECONDS, true);
            this.dequeue = super.deQueue().subscribeOn(dequeueScheduler);
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
