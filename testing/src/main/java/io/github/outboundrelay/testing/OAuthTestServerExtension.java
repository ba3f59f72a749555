package io.github.outboundrelay.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link OAuthTestServer} for a test class: started before its first test, closed after its last, and put back to
 * a fresh server's behaviour ({@link OAuthTestServer#reset}) with the class's account signed in before each test, so
 * that no test sees what another scripted (a revoked grant, an outage, a short token lifetime, another account).
 * Runs before the class's own {@code @BeforeEach} methods, which may connect a grant at once.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension("alice@partner.test");
 * </pre>
 */
public final class OAuthTestServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final String account;
    private OAuthTestServer server;
    /** The class that started the server: a nested class shares it and must not close it. */
    private String startedBy;

    /** Signs {@link OAuthTestServer#DEFAULT_ACCOUNT} in before each test. */
    public OAuthTestServerExtension() {
        this(OAuthTestServer.DEFAULT_ACCOUNT);
    }

    /** Signs {@code account} (the partner mailbox) in before each test. */
    public OAuthTestServerExtension(String account) {
        this.account = account;
    }

    public OAuthTestServer server() {
        if (server == null) {
            throw new IllegalStateException("the OAuth test server runs only during the tests of a class that registers "
                + "this extension in a static @RegisterExtension field");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (server == null) {
            server = OAuthTestServer.start();
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server().reset().signInAs(account);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null && context.getUniqueId().equals(startedBy)) {
            server.close();
            server = null;
        }
    }
}
