package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Everything James and the extension log, at DEBUG, while a relay password is registered, used for a delivery and
 * refused by another relay: neither the password nor an SMTP AUTH payload carrying it appears in any message, stack
 * trace or MDC value ({@link DebugLogCapture}). WebAdmin's request log, which
 * james-conf turns off, stays on here: it carries the request body in its MDC, which the extension must mask.
 */
class SecretsNeverLoggedIntegrationTest {
    static final String LOGIN = "alice@partner.test";
    static final String RELAY_PASSWORD = "Relay-Pa55word-7d1e";

    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, RELAY_PASSWORD).start();
    static final SmtpPeer REJECTING = SmtpPeer.builder().requireStartTls().rejectAllAuth().start();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .withShortRetries("2 seconds")
        .trustingTestRelays());

    static DebugLogCapture logs;

    @BeforeAll
    static void captureEverything(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
        logs = DebugLogCapture.start();
    }

    @AfterAll
    static void restore() {
        logs.close();
        PARTNER.close();
        REJECTING.close();
    }

    @Test
    void aFullRelayAndARefusedOneLogNoSecret(GuiceJamesServer server) throws Exception {
        RelayScenario scenario = new RelayScenario(server);
        scenario.allowDomain(true);
        scenario.registerSendAs("alice@ourdomain.test", "alice@partner.test", PARTNER, LOGIN, RELAY_PASSWORD);
        scenario.registerSendAs("alice@ourdomain.test", "alice@rejecting.test", REJECTING, LOGIN, RELAY_PASSWORD);
        String delivered = uniqueSubject();
        String refused = uniqueSubject();

        scenario.submissionAs("alice@ourdomain.test", "alice@partner.test").subject(delivered).send();
        scenario.submissionAs("alice@ourdomain.test", "alice@rejecting.test").subject(refused).send();

        awaitAt(PARTNER, delivered);
        assertThat(scenario.awaitFirstMessageInMailbox("alice@ourdomain.test")).contains(refused);
        String logs = SecretsNeverLoggedIntegrationTest.logs.text();
        assertThat(logs).contains("alice@partner.test").contains("alice@rejecting.test"); // the capture did work
        // The relay dialogue is there at DEBUG, AUTH masked.
        assertThat(logs).contains("relay SMTP C: MAIL FROM:<alice@partner.test>").containsPattern("relay SMTP C: AUTH \\w+");
        assertThat(logs.lines().filter(line -> line.startsWith("relay SMTP C: AUTH")))
            .allSatisfy(line -> assertThat(line).matches("relay SMTP C: AUTH [A-Z0-9-]+( \\*\\*\\*\\*)?"));
        assertThat(logs).doesNotContain(RELAY_PASSWORD);
        for (String payload : authPayloads()) {
            assertThat(logs).doesNotContain(payload);
        }
        List<Map<String, String>> mdcs = SecretsNeverLoggedIntegrationTest.logs.mdcs();
        // WebAdmin's request log did carry the request bodies (the capture of MDC values did work)...
        assertThat(mdcs).anySatisfy(mdc -> assertThat(mdc.get("request-body")).contains("alice@partner.test").contains("STARTTLS"));
        // ... and no MDC value of any event holds the password or an AUTH payload.
        assertThat(mdcs).allSatisfy(mdc -> assertThat(mdc.values()).allSatisfy(value -> {
            assertThat(value).doesNotContain(RELAY_PASSWORD);
            authPayloads().forEach(payload -> assertThat(value).doesNotContain(payload));
        }));
    }

    /** james-conf/logback.xml, as shipped: WebAdmin's request line (the raw body in its MDC) is off, Jetty above DEBUG. */
    @Test
    void theShippedLogbackConfigurationKeepsTheRequestBodyLineOff() throws Exception {
        LoggerContext shipped = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(shipped);
        configurator.doConfigure(Path.of(System.getProperty("outbound-relay.james-conf", "../james-conf"), "logback.xml").toFile());

        assertThat(shipped.getLogger("org.apache.james.webadmin.mdc.LoggingRequestFilter").isInfoEnabled()).isFalse();
        assertThat(shipped.getLogger("org.apache.james.webadmin.mdc.LoggingResponseFilter").isInfoEnabled()).isTrue();
        assertThat(shipped.getLogger("org.eclipse.jetty.server.HttpChannel").isDebugEnabled()).isFalse();
        shipped.stop();
    }

    /** What SMTP AUTH PLAIN and LOGIN put on the wire for that password, base64-encoded. */
    private static List<String> authPayloads() {
        Base64.Encoder base64 = Base64.getEncoder();
        return List.of(
            base64.encodeToString(("\0" + LOGIN + "\0" + RELAY_PASSWORD).getBytes(StandardCharsets.UTF_8)),
            base64.encodeToString((LOGIN + "\0" + LOGIN + "\0" + RELAY_PASSWORD).getBytes(StandardCharsets.UTF_8)),
            base64.encodeToString(RELAY_PASSWORD.getBytes(StandardCharsets.UTF_8)));
    }
}
