package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;

import java.util.function.UnaryOperator;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerBuilder;
import org.apache.james.JamesServerExtension;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.github.outboundrelay.testing.SmtpPeer;

/**
 * The send-as set-up the relay tests share, registered as a static {@code @RegisterExtension} field in place of
 * {@link OutboundRelayJames#extension}: alice's partner server (a real SMTP server requiring STARTTLS and AUTH as
 * {@link #PARTNER_LOGIN}) and the domain's gateway (a second one), a James booted from james-conf sending through that
 * gateway once per class, with alice and bob of our domain, and the domain's policy on before each test. The peers
 * stop after James.
 */
final class SendAsFixture implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback,
    ParameterResolver {
    static final String ALICE = "alice@" + OutboundRelayJames.DOMAIN;
    static final String BOB = "bob@" + OutboundRelayJames.DOMAIN;
    static final String SEND_AS = "alice@partner.test";
    static final String PARTNER_LOGIN = "alice@partner.test";
    static final String PARTNER_PASSWORD = "partner-secret";
    static final String RECIPIENT = "carol@elsewhere.test";

    private final SmtpPeer partner = SmtpPeer.builder().requireStartTls().requireAuth(PARTNER_LOGIN, PARTNER_PASSWORD).start();
    private final SmtpPeer gateway = SmtpPeer.builder().plain().start();
    private final JamesServerExtension james;

    /** A stock James ({@link MemoryJamesServerMain}) with the test's own {@code edits} of james-conf. */
    SendAsFixture(UnaryOperator<JamesConfFolder> edits) {
        this(edits, MemoryJamesServerMain::createServer);
    }

    /** The same, built by {@code server} (e.g. {@code OutboundRelayServerMain::createServer}, what ./run starts). */
    SendAsFixture(UnaryOperator<JamesConfFolder> edits, JamesServerBuilder.ServerProvider<MemoryJamesConfiguration> server) {
        this.james = OutboundRelayJames.extension(
            edits.apply(JamesConfFolder.shipped().withGateway(gateway).trustingTestRelays()), server);
    }

    SmtpPeer partner() {
        return partner;
    }

    SmtpPeer gateway() {
        return gateway;
    }

    /** The started James: from the test instances on (they are made after the class's set-up). */
    GuiceJamesServer server() {
        return james.getGuiceJamesServer();
    }

    RelayScenario scenario() {
        return new RelayScenario(server());
    }

    /** Registers {@link #SEND_AS} for alice through the partner, verified by the admin. */
    void registerAlicesAddress() {
        scenario().registerSendAs(ALICE, SEND_AS, partner, PARTNER_LOGIN, PARTNER_PASSWORD);
    }

    /** Removes it, whether it is there or not. */
    void removeAlicesAddress() {
        given().spec(OutboundRelayJames.webAdmin(server())).delete("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        james.beforeAll(context);
        OutboundRelayJames.addUsers(server(), "alice", "bob");
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        james.beforeEach(context);
        scenario().allowDomain(true);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        james.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            james.afterAll(context);
        } finally {
            partner.close();
            gateway.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return james.supportsParameter(parameter, context);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return james.resolveParameter(parameter, context);
    }
}
