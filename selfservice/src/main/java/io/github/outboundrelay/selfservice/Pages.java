package io.github.outboundrelay.selfservice;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;

/**
 * The pages' HTML: the Mustache templates under {@code templates/outbound-relay/selfservice/} (each page extends
 * {@code layout}; forms, fields and buttons are partials) and the style sheet beside them, read once when the server
 * starts. {@code {{x}}} escapes HTML, so every value a user, a relay or the store supplied is shown as text; the
 * templates write no value unescaped. The views are records that hold only what the page shows. A partial ends
 * without a line break (it is used inside a line: Mustache.java writes the partial's last line break too), and the
 * templates hold no {{! comments}} (0.9.10 would leave their line breaks in the page).
 */
final class Pages {
    private static final String FOLDER = "/templates/outbound-relay/selfservice/";

    /** The sign-in page: the form's own token, the login typed so far and why the last try failed (empty: none). */
    record SignInPage(String csrf, String login, String error) {
    }

    /** A request refused before anything was changed, why ("This form has expired or came from another site"), and the way back. */
    record RefusedPage(String reason, String back, String backLabel) {
        /** On the users' page: back to their addresses. */
        RefusedPage(String reason) {
            this(reason, "/send-as", "Back to your addresses");
        }
    }

    /** On the way to the provider: its name, the address being connected, and its authorization URL. */
    record ConnectingPage(String provider, String address, String url) {
    }

    /** Back from the provider, on the way to the finish route (same parameters). */
    record BackPage(String url) {
    }

    private final Mustache signIn;
    private final Mustache sendAs;
    private final Mustache refused;
    private final Mustache connecting;
    private final Mustache back;
    private final Mustache adminsOnly;
    private final Mustache adminDomains;
    private final Mustache adminSendAs;
    private final Mustache adminAudit;
    private final Mustache adminKeys;
    private final Mustache adminOAuth;
    private final String stylesheet;

    Pages() {
        // Read through this class's loader, not the thread's: in James the extension jar has a class loader of its own.
        MustacheFactory templates = new DefaultMustacheFactory(name -> {
            InputStream template = Pages.class.getResourceAsStream(FOLDER + name);
            return template == null ? null : new InputStreamReader(template, StandardCharsets.UTF_8);
        });
        signIn = templates.compile("sign-in.mustache");
        sendAs = templates.compile("send-as.mustache");
        refused = templates.compile("refused.mustache");
        connecting = templates.compile("connecting.mustache");
        back = templates.compile("back.mustache");
        adminsOnly = templates.compile("admins-only.mustache");
        adminDomains = templates.compile("admin-domains.mustache");
        adminSendAs = templates.compile("admin-send-as.mustache");
        adminAudit = templates.compile("admin-audit.mustache");
        adminKeys = templates.compile("admin-keys.mustache");
        adminOAuth = templates.compile("admin-oauth.mustache");
        stylesheet = resource("style.css");
    }

    String signIn(SignInPage page) {
        return render(signIn, page);
    }

    String sendAs(SendAsPage page) {
        return render(sendAs, page);
    }

    String refused(RefusedPage page) {
        return render(refused, page);
    }

    String connecting(ConnectingPage page) {
        return render(connecting, page);
    }

    String back(BackPage page) {
        return render(back, page);
    }

    /** The answer to anyone but an admin, for every path under /admin: the same page, whatever was asked. */
    String adminsOnly() {
        return render(adminsOnly, new Object());
    }

    String adminDomains(AdminDomainsPage page) {
        return render(adminDomains, page);
    }

    String adminSendAs(AdminSendAsPage page) {
        return render(adminSendAs, page);
    }

    String adminAudit(AdminAuditPage page) {
        return render(adminAudit, page);
    }

    String adminKeys(AdminKeysRoutes.KeysPage page) {
        return render(adminKeys, page);
    }

    String adminOAuth(AdminOAuthPage page) {
        return render(adminOAuth, page);
    }

    /** Served at {@code /style.css}: the Content-Security-Policy admits no inline style. */
    String stylesheet() {
        return stylesheet;
    }

    private static String render(Mustache template, Object page) {
        StringWriter html = new StringWriter();
        template.execute(html, page);
        return html.toString();
    }

    private static String resource(String name) {
        try (InputStream resource = Pages.class.getResourceAsStream(FOLDER + name)) {
            if (resource == null) {
                throw new IllegalStateException("Missing from the extension jar: " + FOLDER + name);
            }
            return new String(resource.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
