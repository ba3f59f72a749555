package io.github.outboundrelay.server.jmap;

import org.apache.james.jmap.JMAPServer;
import org.apache.james.jmap.api.identity.DefaultIdentitySupplier;
import org.apache.james.rrt.api.CanSendFrom;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/**
 * Lets JMAP (RFC 8621) send as a user's verified send-as addresses: {@link SendAsCanSendFrom} replaces James's
 * {@code CanSendFrom} (which JMAP's identities and EmailSubmission/set ask), {@link SendAsIdentitySupplier} names
 * those identities after the address's display name; {@link LoopbackJmapServer} makes JMAP listen on one address
 * (loopback by default) where 3.8.1 listens on every interface. These are bindings of James's main injector, which an extension
 * module (a child injector) cannot replace: {@code OutboundRelayServerMain} overrides them; a stock James with only
 * the extension jar keeps the stock behaviour (see README, "JMAP").
 */
public class SendAsJmapModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(OutboundRelayExtension.class).in(Scopes.SINGLETON);
        bind(SendAsCanSendFrom.class).in(Scopes.SINGLETON);
        bind(CanSendFrom.class).to(SendAsCanSendFrom.class);
        bind(DefaultIdentitySupplier.class).to(SendAsIdentitySupplier.class);
        bind(LoopbackJmapServer.class).in(Scopes.SINGLETON);
        bind(JMAPServer.class).to(LoopbackJmapServer.class);
    }
}
