package io.github.outboundrelay.testing;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;

import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.memory.MemoryMailQueueFactory.MemoryCacheableMailQueue;
import org.apache.mailet.Mail;

/**
 * James's memory MailQueue, except that an enqueue delay is dropped the way James 3.8.1's RabbitMQ queue drops it
 * ({@code RabbitMQMailQueue.enQueue(Mail, Duration)} logs "Ignored delay upon enqueue" and enqueues the mail for
 * at once): the mail is handed out again immediately. The queues are otherwise James's own (browse, size, clear).
 * It counts the delays it dropped, so that a test can tell the delay really was ignored.
 */
public final class DelayIgnoringMailQueueFactory implements MailQueueFactory<MemoryCacheableMailQueue> {
    private final ConcurrentHashMap<MailQueueName, MemoryCacheableMailQueue> queues = new ConcurrentHashMap<>();
    private final MailQueueItemDecoratorFactory decorators;
    private final Clock clock;
    private final AtomicInteger ignoredDelays = new AtomicInteger();

    @Inject
    public DelayIgnoringMailQueueFactory(MailQueueItemDecoratorFactory decorators) {
        this(decorators, Clock.systemUTC());
    }

    public DelayIgnoringMailQueueFactory(MailQueueItemDecoratorFactory decorators, Clock clock) {
        this.decorators = decorators;
        this.clock = clock;
    }

    /** How many positive enqueue delays were dropped so far, over every queue. */
    public int ignoredDelays() {
        return ignoredDelays.get();
    }

    @Override
    public Optional<MemoryCacheableMailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        Optional<MemoryCacheableMailQueue> queue = Optional.ofNullable(queues.get(name));
        queue.ifPresent(MemoryCacheableMailQueue::reference);
        return queue;
    }

    @Override
    public MemoryCacheableMailQueue createQueue(MailQueueName name, PrefetchCount count) {
        MemoryCacheableMailQueue queue = queues.computeIfAbsent(name, DelayIgnoringQueue::new);
        queue.reference();
        return queue;
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return Set.copyOf(queues.keySet());
    }

    private final class DelayIgnoringQueue extends MemoryCacheableMailQueue {
        DelayIgnoringQueue(MailQueueName name) {
            super(name, decorators, clock);
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            if (delay.isNegative() || delay.isZero()) {
                super.enQueue(mail, delay);
                return;
            }
            ignoredDelays.incrementAndGet();
            enQueue(mail);
        }
    }
}
