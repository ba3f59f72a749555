package io.github.outboundrelay.server;

import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.queue.activemq.ActiveMQHealthCheck;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * James's ActiveMQ health check (a connection and a session to the broker) on the broker of the mail queues. The
 * embedded broker out of reach is unhealthy, as in James. The shared one is checked at each of its addresses directly
 * (not through the failover transport, which would wait for it for ever): healthy when one answers, degraded
 * otherwise, since SMTP then answers 451 and delivery waits until it is back, and both resume by themselves.
 */
public class MailQueueBrokerHealthCheck implements HealthCheck {
    private static final ComponentName SHARED = new ComponentName("Shared ActiveMQ broker");

    private final boolean shared;
    private final List<ActiveMQHealthCheck> checks;

    @Inject
    MailQueueBrokerHealthCheck(MailQueueBroker broker) {
        this.shared = broker instanceof SharedActiveMQBroker;
        this.checks = broker instanceof SharedActiveMQBroker sharedBroker
            ? sharedBroker.directConnectionFactories().stream().map(ActiveMQHealthCheck::new).toList()
            : List.of(new ActiveMQHealthCheck(broker.connectionFactory()));
    }

    @Override
    public ComponentName componentName() {
        return shared ? SHARED : checks.get(0).componentName();
    }

    @Override
    public Publisher<Result> check() {
        if (!shared) {
            return checks.get(0).check();
        }
        return Flux.fromIterable(checks)
            .concatMap(ActiveMQHealthCheck::check)
            .any(Result::isHealthy)
            .map(anyAnswered -> anyAnswered ? Result.healthy(SHARED)
                : Result.degraded(SHARED, "The mail queues' broker cannot be reached: new mail is refused with 451 and"
                    + " delivery waits until it is back"));
    }
}
