package io.github.outboundrelay.server;

import java.io.FileNotFoundException;
import java.util.Optional;

import javax.jms.ConnectionFactory;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.queue.activemq.ActiveMQConfiguration;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorImpl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Binds James's ActiveMQ MailQueue, on an embedded broker persisting under var/ (or, with {@code queue.broker.url} in
 * {@code outbound-relay.properties}, on a standalone broker several nodes share: {@link QueueBrokerConfiguration}), for
 * every key James 3.8.1's
 * {@code MemoryMailQueueModule} binds: {@code MailQueueFactory<?>}, {@code MailQueueFactory<? extends MailQueue>} and
 * {@code MailQueueFactory<? extends ManageableMailQueue>}. Install it with {@code Modules.override} over the memory
 * server's modules (see {@link OutboundRelayServerMain}), so that the spooler, RemoteDelivery, the WebAdmin mail queue
 * routes and our OutboundRelayDelivery all get the same persistent factory.
 * <p>
 * What 3.8.1's {@code ActiveMQQueueModule} (queue-activemq-guice, not published for 3.8.1) wired, rewritten: the
 * broker as a singleton stopped by James on shutdown, the JMS ConnectionFactory, the queue factory with JMX
 * management, the health check (degraded rather than unhealthy for a shared broker:
 * {@link MailQueueBrokerHealthCheck}), and the broker statistics collector configured by the optional
 * {@code activemq.properties}. Unlike James's {@code EmbeddedActiveMQ}, the broker opens no TCP port.
 */
public class PersistentMailQueueModule extends AbstractModule {
    private static final String CONFIGURATION_NAME = "activemq";
    private static final String BROKER_CONFIGURATION_NAME = "outbound-relay";

    @Override
    protected void configure() {
        bind(EmbeddedActiveMQBroker.class).in(Scopes.SINGLETON);
        bind(PersistentMailQueueFactory.class).in(Scopes.SINGLETON);
        bind(ActiveMQMailQueueFactory.class).to(PersistentMailQueueFactory.class);
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorImpl.class);
        bind(ActiveMQMetricCollectorImpl.class).in(Scopes.SINGLETON);

        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(MailQueueBrokerHealthCheck.class);
    }

    /** The shared broker when {@code queue.broker.url} names one; otherwise the embedded one, started only then. */
    @Provides
    @Singleton
    MailQueueBroker broker(QueueBrokerConfiguration configuration, Provider<EmbeddedActiveMQBroker> embedded) {
        if (configuration.sharedBroker().isPresent()) {
            return new SharedActiveMQBroker(configuration);
        }
        return embedded.get();
    }

    @Provides
    @Singleton
    QueueBrokerConfiguration brokerConfiguration(PropertiesProvider propertiesProvider) throws ConfigurationException {
        return ifPresent(() -> propertiesProvider.getConfiguration(BROKER_CONFIGURATION_NAME))
            .map(QueueBrokerConfiguration::from)
            .orElseGet(QueueBrokerConfiguration::embedded);
    }

    @Provides
    @Singleton
    ConnectionFactory connectionFactory(MailQueueBroker broker) {
        return broker.connectionFactory();
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableMailQueueFactory(PersistentMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> mailQueueFactory(PersistentMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> mailQueueFactoryGenerics(PersistentMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    ActiveMQConfiguration activeMQConfiguration(PropertiesProvider propertiesProvider) throws ConfigurationException {
        return ifPresent(() -> propertiesProvider.getConfigurations(CONFIGURATION_NAME))
            .map(ActiveMQConfiguration::from)
            .orElseGet(ActiveMQConfiguration::getDefault);
    }

    @FunctionalInterface
    private interface ConfigurationRead {
        Configuration read() throws FileNotFoundException, ConfigurationException;
    }

    /** An optional properties file of the conf folder: empty when it is absent. */
    private static Optional<Configuration> ifPresent(ConfigurationRead read) throws ConfigurationException {
        try {
            return Optional.of(read.read());
        } catch (FileNotFoundException | PropertiesProvider.MissingConfigurationFile e) {
            return Optional.empty();
        }
    }

    @ProvidesIntoSet
    InitializationOperation startMetricCollector(ActiveMQMetricCollector metricCollector) {
        return InitilizationOperationBuilder
            .forClass(ActiveMQMetricCollector.class)
            .init(metricCollector::start);
    }
}
