package io.github.outboundrelay.it;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerBuilder;
import org.apache.james.JamesServerExtension;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.jmap.JMAPConfiguration;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;

import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.name.Names;

import io.github.outboundrelay.testing.Dnsmasq;
import io.github.outboundrelay.testing.LoopbackPortDnsJavaService;

import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * A real James 3.8.1 memory server booted from {@code james-conf/} with the extension on its class path, the way an
 * admin deploys it.
 */
final class OutboundRelayJames {
    static final String DOMAIN = "ourdomain.test";
    static final String PASSWORD = "user-secret";

    private OutboundRelayJames() {
    }

    /**
     * JMAP on an ephemeral port: james-conf's {@code jmap.port} is fixed (for ./run) and James reads no port 0 from
     * {@code jmap.properties}.
     */
    static final Module JMAP_ON_A_FREE_PORT = binder -> binder.bind(JMAPConfiguration.class)
        .toInstance(JMAPConfiguration.builder().enable().randomPort().build());

    /**
     * James's own DNS service asking {@code dns} (a dnsmasq on loopback) instead of the system's servers: dnsservice.xml
     * names servers by host only (port 53), so the port is set by {@link LoopbackPortDnsJavaService}.
     */
    static Module dnsServiceAsking(Dnsmasq dns) {
        return binder -> {
            binder.bindConstant().annotatedWith(Names.named(LoopbackPortDnsJavaService.PORT)).to(dns.port());
            binder.bind(DNSJavaService.class).to(LoopbackPortDnsJavaService.class).in(Scopes.SINGLETON);
        };
    }

    static JamesServerExtension extension(JamesConfFolder conf) {
        return extension(conf, MemoryJamesServerMain::createServer);
    }

    /** The same, built by {@code server} (e.g. {@code OutboundRelayServerMain::createServer}, what ./run starts). */
    static JamesServerExtension extension(JamesConfFolder conf, JamesServerBuilder.ServerProvider<MemoryJamesConfiguration> server) {
        return builder(conf, server).build();
    }

    /** The memory server with some of its bindings replaced by {@code override} (e.g. its MailQueueFactory). */
    static JamesServerExtension extensionOverriding(JamesConfFolder conf, Module override) {
        return builder(conf, MemoryJamesServerMain::createServer).overrideServerModule(override).build();
    }

    private static JamesServerBuilder<MemoryJamesConfiguration> builder(JamesConfFolder conf,
                                                                       JamesServerBuilder.ServerProvider<MemoryJamesConfiguration> server) {
        return new JamesServerBuilder<MemoryJamesConfiguration>(workingDirectory -> {
            conf.writeInto(workingDirectory);
            return MemoryJamesConfiguration.builder()
                .workingDirectory(workingDirectory)
                .build();
        })
            .server(server)
            .overrideServerModule(JMAP_ON_A_FREE_PORT)
            .lifeCycle(JamesServerExtension.Lifecycle.PER_CLASS);
    }

    static void addUsers(GuiceJamesServer server, String... localParts) throws Exception {
        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        for (String localPart : localParts) {
            data.addUser(localPart + "@" + DOMAIN, PASSWORD);
        }
    }

    static RequestSpecification webAdmin(GuiceJamesServer server) {
        return new RequestSpecBuilder()
            .setPort(server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue())
            .setBaseUri("http://127.0.0.1")
            .setContentType(ContentType.JSON)
            .setAccept(ContentType.JSON)
            .build();
    }

    /** The submission listener: STARTTLS, AUTH always announced, verifyIdentity with the send-as hook. */
    static int submissionPort(GuiceJamesServer server) {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpStartTlsPort().getValue();
    }

    /** The MTA listener on which loopback clients may relay without authenticating (stock sample behaviour). */
    static int smtpPort(GuiceJamesServer server) {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    static int imapPort(GuiceJamesServer server) {
        // The IMAP listener offers STARTTLS; the test client logs in in clear on loopback (plainAuthDisallowed false).
        return server.getProbe(ImapGuiceProbe.class).getImapStartTLSPort();
    }
}
