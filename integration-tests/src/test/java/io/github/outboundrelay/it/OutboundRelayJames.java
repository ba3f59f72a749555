package io.github.outboundrelay.it;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerBuilder;
import org.apache.james.JamesServerExtension;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;

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

    static JamesServerExtension extension(JamesConfFolder conf) {
        return new JamesServerBuilder<MemoryJamesConfiguration>(workingDirectory -> {
            conf.writeInto(workingDirectory);
            return MemoryJamesConfiguration.builder()
                .workingDirectory(workingDirectory)
                .build();
        })
            .server(MemoryJamesServerMain::createServer)
            .lifeCycle(JamesServerExtension.Lifecycle.PER_CLASS)
            .build();
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
