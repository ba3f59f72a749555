package io.github.outboundrelay.mailets.smtp;

import javax.inject.Singleton;

import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.core.net.RelayConnector;

/**
 * The relay connector as a service of the extension's injector, named in {@code extensions.properties} beside the
 * store module ({@code guice.extension.module=io.github.outboundrelay.mailets.smtp.RelayConnectorModule}): the connection
 * rules read once from {@code outbound-relay.properties}, one {@link SmtpRelayConnector} for the delivery mailet and the
 * settings' relay tests and code mails.
 */
public class RelayConnectorModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SmtpRelayConnector.class).in(Singleton.class);
        bind(RelayConnector.class).to(SmtpRelayConnector.class);
    }

    @Provides
    @Singleton
    RelayConnectionRules connectionRules(PropertiesProvider properties) {
        return RelayConnectionRules.read(properties);
    }
}
