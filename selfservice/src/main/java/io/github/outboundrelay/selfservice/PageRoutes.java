package io.github.outboundrelay.selfservice;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.Refusal;
import io.github.outboundrelay.core.settings.SendAsRequest;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.settings.SendAsView;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The pages: sign-in, sign-out and "Send mail as", with one plain form per action. Every POST needs the session's
 * CSRF token (the sign-in form a token of its own, in a cookie) and, from a browser, our own Origin. A successful
 * action redirects back to the page (no form re-sent on reload) with a notice; a refused one shows the page again
 * with the API's message next to the field it concerns, and the API's status code.
 */
final class PageRoutes {
    private static final String SIGN_IN_COOKIE = "__Host-outbound-relay-signin";

    private final SendAsSettings settings;
    private final RelayAttemptLog attempts;
    private final Sessions sessions;
    private final SignIn signIn;
    private final OAuthProviders providers;
    private final Pages templates;
    private final Administrators administrators;
    private final Clock clock;

    PageRoutes(SendAsSettings settings, RelayAttemptLog attempts, Sessions sessions, SignIn signIn, OAuthProviders providers,
               Pages templates, Administrators administrators, Clock clock) {
        this.settings = settings;
        this.administrators = administrators;
        this.templates = templates;
        this.providers = providers;
        this.attempts = attempts;
        this.sessions = sessions;
        this.signIn = signIn;
        this.clock = clock;
    }

    void define(Service service) {
        service.before((request, response) -> {
            response.header("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'");
            response.header("X-Content-Type-Options", "nosniff");
            // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" even on our own forms.
            response.header("Referrer-Policy", "same-origin");
            response.header("Strict-Transport-Security", "max-age=31536000");
            response.header("Cache-Control", "no-store");
            if (Visitor.isStateChanging(request) && !Visitor.isSameOrigin(request)) {
                throw service.halt(403, "Requests from another site are refused.");
            }
        });
        service.get("/", (request, response) -> redirect(response, "/send-as"));
        service.get("/sign-in", (request, response) -> signInPage(response, "", ""));
        service.post("/sign-in", this::signIn);
        service.post("/sign-out", (request, response) -> {
            Visitor.sessionId(request).ifPresent(sessions::close);
            Visitor.clearSessionCookie(response);
            return redirect(response, "/sign-in");
        });
        service.get("/send-as", (request, response) -> withSession(request, response, session ->
            render(session, response, FormErrors.none(), Map.of())));
        service.post("/send-as/add", (request, response) -> action(request, response, "add", (session, address) -> {
            SendAsView saved = settings.save(Actor.USER, session.user(), address, relayRequest(request, address, true));
            return withDmarcWarning(saved.status().equals("pending") ? "Enter the code we sent to " + saved.address()
                : saved.address() + " is saved.", saved);
        }));
        service.post("/send-as/edit", (request, response) -> action(request, response, "edit", (session, address) -> {
            SendAsView saved = settings.save(Actor.USER, session.user(), address, relayRequest(request, address, false));
            return withDmarcWarning(saved.status().equals("pending") ? "Saved. Enter the code we sent to " + saved.address()
                : "Saved: " + saved.address() + " stays verified.", saved);
        }));
        service.post("/send-as/confirm", (request, response) -> action(request, response, "confirm", (session, address) -> {
            settings.confirm(Actor.USER, session.user(), address, text(request, "code"));
            return address.asString() + " is verified. "
                + SendAsPage.pathInWords(settings.get(session.user(), address), session.user().asString()) + ".";
        }));
        service.post("/send-as/verification", (request, response) -> action(request, response, "resend", (session, address) -> {
            settings.resendCode(Actor.USER, session.user(), address);
            return "Enter the code we sent to " + address.asString();
        }));
        service.post("/send-as/test", (request, response) -> action(request, response, "test", (session, address) -> {
            settings.test(Actor.USER, session.user(), address);
            return "The connection to the server of " + address.asString() + " works (TLS and "
                + (settings.get(session.user(), address).provider() == null ? "password" : "the provider's access") + " accepted).";
        }));
        service.post("/send-as/remove", (request, response) -> action(request, response, "remove", (session, address) -> {
            settings.remove(Actor.USER, session.user(), address);
            return address.asString() + " is removed.";
        }));
        service.get("/style.css", (request, response) -> {
            response.type("text/css");
            return templates.stylesheet();
        });
    }

    private Object signIn(Request request, Response response) {
        String expected = request.cookie(SIGN_IN_COOKIE);
        String login = RequestGuard.field(request, "login").orElse("");
        if (expected == null || !ApiRoutes.sameToken(expected, RequestGuard.field(request, Visitor.CSRF_FIELD).orElse(""))) {
            response.status(403);
            return signInPage(response, "This form has expired: sign in again.", login);
        }
        try {
            String password = RequestGuard.field(request, "password").orElse("");
            Optional<Username> user = signIn.authenticate(login, password, request.ip());
            if (user.isEmpty()) {
                response.status(401);
                return signInPage(response, SignIn.WRONG, login);
            }
            Visitor.sessionId(request).ifPresent(sessions::close);
            Visitor.setSessionCookie(response, sessions.open(user.get(), password).id());
            // Same sign-in for admins, who land in their area (their own addresses are a link away).
            return redirect(response, administrators.isAdmin(user.get()) ? AdminArea.ROOT : "/send-as");
        } catch (SignIn.ThrottledException e) {
            response.status(429);
            return signInPage(response, e.getMessage(), login);
        }
    }

    private String signInPage(Response response, String error, String login) {
        String token = Sessions.randomToken();
        response.header("Set-Cookie", SIGN_IN_COOKIE + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict");
        response.type("text/html; charset=utf-8");
        return templates.signIn(new Pages.SignInPage(token, login, error));
    }

    /** Runs one form's action for one of the user's addresses, then redirects with a notice or shows the refusal. */
    private Object action(Request request, Response response, String kind, Action action) {
        return withSession(request, response, session -> {
            if (!hasFormToken(session, request)) {
                return expiredForm(response);
            }
            String formId = kind.equals("add") ? "add" : formOf(session.user(), RequestGuard.field(request, "address").orElse(""), kind);
            try {
                session.notice(action.run(session, address(request)));
                return redirect(response, "/send-as");
            } catch (RuntimeException e) {
                Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
                response.status(refusal.status());
                return render(session, response, FormErrors.of(formId, refusal), kind.equals("add") ? entered(request) : Map.of());
            }
        });
    }

    boolean hasFormToken(Sessions.Session session, Request request) {
        return ApiRoutes.sameToken(session.csrfToken(), RequestGuard.field(request, Visitor.CSRF_FIELD).orElse(""));
    }

    String expiredForm(Response response) {
        response.status(403);
        response.type("text/html; charset=utf-8");
        return templates.refused(new Pages.RefusedPage("This form has expired or came from another site"));
    }

    @FunctionalInterface
    private interface Action {
        String run(Sessions.Session session, MailAddress address);
    }

    String formOf(Username user, String address, String kind) {
        List<SendAsView> views = settings.list(user);
        for (int i = 0; i < views.size(); i++) {
            if (views.get(i).address().equalsIgnoreCase(address)) {
                return "a" + i + "-" + kind;
            }
        }
        return "";
    }

    /** Without a session: to sign-in (nothing of the request is acted on). */
    Object withSession(Request request, Response response, Function<Sessions.Session, Object> page) {
        Optional<Sessions.Session> session = Visitor.sessionId(request).flatMap(sessions::find);
        if (session.isEmpty()) {
            return redirect(response, "/sign-in");
        }
        return page.apply(session.get());
    }

    String render(Sessions.Session session, Response response, FormErrors errors, Map<String, String> addValues) {
        response.type("text/html; charset=utf-8");
        List<SendAsPage.Row> rows = settings.list(session.user()).stream()
            .map(view -> new SendAsPage.Row(view, lastOutcome(view)))
            .toList();
        List<SendAsPage.Provider> choices = providers.all().stream()
            .map(provider -> new SendAsPage.Provider(provider.id(), OAuthConnectRoutes.label(provider)))
            .toList();
        return templates.sendAs(SendAsPage.of(session.user().asString(), session.csrfToken(), settings.policyOf(session.user()),
            rows, session.takeNotice(), session.takeAlert(), errors, addValues, choices));
    }

    /** The notice that an address was saved, and its DMARC warning (quarantine, unknown) when it has one. */
    private static String withDmarcWarning(String notice, SendAsView saved) {
        if (saved.dmarcWarning() == null) {
            return notice;
        }
        return notice + (notice.endsWith(".") ? "" : ".") + " Note: " + saved.dmarcWarning() + ".";
    }

    private String lastOutcome(SendAsView view) {
        try {
            return OutcomeWords.of(attempts.latestFor(new MailAddress(view.address())), clock.instant(), view.provider() != null);
        } catch (AddressException | RuntimeException e) {
            return "unknown (the audit trail cannot be read now)";
        }
    }

    /**
     * The form as the API's body ({@link SendAsRequest.Body}, checked by the same rules): an empty SMTP server (or
     * none offered, where relays are not allowed) registers the address without relay; the port and security, which
     * always carry a value, go along only with a server, and a password typed without one is refused there.
     */
    private static SendAsRequest relayRequest(Request request, MailAddress address, boolean passwordRequired) {
        String host = text(request, "host");
        String password = RequestGuard.field(request, "password").orElse("");
        Integer port = null;
        String security = null;
        String username = null;
        if (!host.isEmpty()) {
            String portText = text(request, "port");
            try {
                port = Integer.parseInt(portText.isEmpty() ? "587" : portText);
            } catch (NumberFormatException e) {
                throw new InvalidFieldException("port", "must be a whole number between 1 and 65535");
            }
            security = text(request, "security");
            username = text(request, "username").isEmpty() ? address.asString() : text(request, "username");
            if (passwordRequired && password.isEmpty()) {
                throw new InvalidFieldException("password", "is required");
            }
        }
        return new SendAsRequest.Body(host.isEmpty() ? null : host, port, security, username,
            password.isEmpty() ? null : password, null, nonEmpty(text(request, "displayName"))).toRequest();
    }

    private static String nonEmpty(String value) {
        return value.isEmpty() ? null : value;
    }

    private static Map<String, String> entered(Request request) {
        Map<String, String> values = new HashMap<>();
        for (String field : List.of("address", "displayName", "host", "port", "security", "username")) {
            values.put(field, text(request, field));
        }
        return values;
    }

    private static MailAddress address(Request request) {
        return Visitor.sendAsAddress(text(request, "address"));
    }

    static String text(Request request, String field) {
        return RequestGuard.field(request, field).map(String::trim).orElse("");
    }

    static String redirect(Response response, String path) {
        response.redirect(path, 303);
        return "";
    }
}
