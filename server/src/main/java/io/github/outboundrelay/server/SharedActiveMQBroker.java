package io.github.outboundrelay.server;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone ActiveMQ broker that several James nodes share ({@code queue.broker.url}), reached through ActiveMQ's
 * failover transport: the connection comes back by itself once the broker is back, and meanwhile every operation waits
 * at most {@code queue.broker.timeout} and then fails, so that an enqueue (SMTP: 451) never hangs. Mail contents go in
 * the messages themselves, not as blob files (another node could not read this node's disk).
 */
final class SharedActiveMQBroker implements MailQueueBroker {
    private static final Logger LOGGER = LoggerFactory.getLogger(SharedActiveMQBroker.class);

    private final ActiveMQConnectionFactory connectionFactory;
    private final List<ActiveMQConnectionFactory> directConnectionFactories;

    SharedActiveMQBroker(QueueBrokerConfiguration configuration) {
        String addresses = configuration.sharedBroker().orElseThrow().stream().map(URI::toString).collect(Collectors.joining(","));
        long timeoutMillis = configuration.timeout().toMillis();
        // randomize=false: the first address is the primary, the others are tried in order.
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("failover:(" + addresses + ")?timeout="
            + timeoutMillis + "&randomize=false&initialReconnectDelay=100&maxReconnectDelay=" + Math.min(timeoutMillis, 2000));
        withCredentials(factory, configuration);
        factory.setTrustAllPackages(false);
        ActiveMQPrefetchPolicy prefetch = new ActiveMQPrefetchPolicy();
        // As with the embedded broker: a consumer takes one message when it asks for one, so a waiting mail is never
        // parked in one node's consumer while another node is idle.
        prefetch.setQueuePrefetch(0);
        prefetch.setTopicPrefetch(0);
        factory.setPrefetchPolicy(prefetch);
        this.connectionFactory = factory;
        this.directConnectionFactories = configuration.sharedBroker().orElseThrow().stream()
            .map(address -> withCredentials(new ActiveMQConnectionFactory(address + "?connectionTimeout=" + timeoutMillis), configuration))
            .peek(direct -> direct.setConnectResponseTimeout((int) timeoutMillis))
            .toList();
        LOGGER.info("Mail queues on the shared ActiveMQ broker at {}", addresses);
    }

    private static ActiveMQConnectionFactory withCredentials(ActiveMQConnectionFactory factory,
                                                             QueueBrokerConfiguration configuration) {
        configuration.username().ifPresent(factory::setUserName);
        configuration.password().ifPresent(factory::setPassword);
        return factory;
    }

    /**
     * One connection factory per broker address, without failover, each failing within {@code queue.broker.timeout}:
     * for the health check, which must answer while the broker is out of reach (through the failover transport,
     * opening a connection would wait for the broker for ever).
     */
    List<ActiveMQConnectionFactory> directConnectionFactories() {
        return directConnectionFactories;
    }

    @Override
    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    @Override
    public boolean contentInLocalFiles() {
        return false;
    }
}
