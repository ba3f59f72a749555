package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Everything James and the extension log, at DEBUG, while a relay password is registered, used for a delivery and
 * refused by another relay: neither the password nor an SMTP AUTH payload carrying it appears in any message, stack
 * trace or MDC value (what a {@code %X} pattern or a JSON encoder writes). Two loggers stay at INFO, as
 * james-conf/logback.xml pins them: Jetty's DEBUG output dumps raw HTTP request buffers (any admin API body, James's
 * own user passwords included), and the test's HTTP client logs what it sends. WebAdmin's request log, which
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

    static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    /** Keeps each event as it was when logged: MDC values live only while the line is written. */
    static final ListAppender<ILoggingEvent> CAPTURED = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };
    static final List<String> WIRE_LOGGERS = List.of("org.eclipse.jetty", "org.apache.http");
    /** Set at INFO by the tests' logback configuration (and by james-conf's): raised to DEBUG here. */
    static final List<String> OUR_AND_JAMES_LOGGERS = List.of("io.github.outboundrelay", "org.apache.james");
    static Level previousLevel;
    static final java.util.Map<String, Level> PREVIOUS_LEVELS = new java.util.HashMap<>();

    @BeforeAll
    static void captureEverything(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
        previousLevel = ROOT.getLevel();
        ROOT.setLevel(Level.DEBUG);
        WIRE_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.INFO));
        OUR_AND_JAMES_LOGGERS.forEach(name -> {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            PREVIOUS_LEVELS.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        });
        CAPTURED.start();
        ROOT.addAppender(CAPTURED);
    }

    @AfterAll
    static void restore() {
        ROOT.detachAppender(CAPTURED);
        ROOT.setLevel(previousLevel);
        WIRE_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(null));
        OUR_AND_JAMES_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(PREVIOUS_LEVELS.get(name)));
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
        String logs = capturedText();
        assertThat(logs).contains("alice@partner.test").contains("alice@rejecting.test"); // the capture did work
        // The relay dialogue is there at DEBUG, AUTH masked.
        assertThat(logs).contains("relay SMTP C: MAIL FROM:<alice@partner.test>").containsPattern("relay SMTP C: AUTH \\w+");
        assertThat(logs.lines().filter(line -> line.startsWith("relay SMTP C: AUTH")))
            .allSatisfy(line -> assertThat(line).matches("relay SMTP C: AUTH [A-Z0-9-]+( \\*\\*\\*\\*)?"));
        assertThat(logs).doesNotContain(RELAY_PASSWORD);
        for (String payload : authPayloads()) {
            assertThat(logs).doesNotContain(payload);
        }
        List<Map<String, String>> mdcs = capturedMdcs();
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

    private static List<Map<String, String>> capturedMdcs() {
        synchronized (CAPTURED) {
            return CAPTURED.list.stream().map(ILoggingEvent::getMDCPropertyMap).toList();
        }
    }

    /** What SMTP AUTH PLAIN and LOGIN put on the wire for that password, base64-encoded. */
    private static List<String> authPayloads() {
        Base64.Encoder base64 = Base64.getEncoder();
        return List.of(
            base64.encodeToString(("\0" + LOGIN + "\0" + RELAY_PASSWORD).getBytes(StandardCharsets.UTF_8)),
            base64.encodeToString((LOGIN + "\0" + LOGIN + "\0" + RELAY_PASSWORD).getBytes(StandardCharsets.UTF_8)),
            base64.encodeToString(RELAY_PASSWORD.getBytes(StandardCharsets.UTF_8)));
    }

    private static String capturedText() {
        synchronized (CAPTURED) {
            return CAPTURED.list.stream()
                .map(event -> event.getFormattedMessage() + "\n"
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
        }
    }
}
