package io.github.outboundrelay.selfservice;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.OAuthCodeConnections;
import io.github.outboundrelay.core.settings.Refusal;
import io.github.outboundrelay.core.settings.SendAsSettingsException;
import io.github.outboundrelay.core.settings.SendAsView;
import io.github.outboundrelay.core.store.OAuthProviders;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * "Connect with &lt;provider&gt;" on the page: the browser's side of {@link OAuthCodeConnections} (authorization code,
 * PKCE and state, all kept in core; nothing of the flow is decided here).
 * <ol>
 * <li>{@code POST /send-as/oauth/connect} (session, CSRF token, Origin) begins the flow and answers a page that sends
 * the browser on to the provider with a {@code <meta http-equiv="refresh">} and a link: a 303 would be refused by the
 * browser, the page's CSP {@code form-action 'self'} also covering where a form's answer redirects to.</li>
 * <li>{@code GET /send-as/oauth/callback} is the redirect URI. The provider sends the browser here from its own site,
 * so the SameSite=Strict session cookie does not come along: the answer is a small page that goes on, from our own
 * site, to {@code /send-as/oauth/finish} with the same parameters (meta refresh, and a link).</li>
 * <li>{@code GET /send-as/oauth/finish} has the session: it completes (or cancels, when the provider sent an error) the
 * flow for the signed-in user only, then redirects to the page, which asks for the code mailed to the address, or
 * tells what went wrong. Without a session it goes to sign-in and leaves the state alone.</li>
 * </ol>
 */
final class OAuthConnectRoutes {
    static final String CALLBACK = "/send-as/oauth/callback";
    static final String FINISH = "/send-as/oauth/finish";

    private final OAuthCodeConnections connections;
    private final OAuthProviders providers;
    private final PageRoutes pages;
    private final Pages templates;
    private final Optional<URI> publicUrl;

    OAuthConnectRoutes(OAuthCodeConnections connections, OAuthProviders providers, PageRoutes pages, Pages templates,
                       Optional<URI> publicUrl) {
        this.connections = connections;
        this.templates = templates;
        this.providers = providers;
        this.pages = pages;
        this.publicUrl = publicUrl;
    }

    void define(Service service) {
        service.post("/send-as/oauth/connect", this::connect);
        service.get(CALLBACK, this::callback);
        service.get(FINISH, this::finish);
    }

    /** The name users know a provider by: the presets' own names, else the id the admin gave it. */
    static String label(OAuthProvider provider) {
        String host = Optional.ofNullable(provider.authorizationEndpoint().getHost()).orElse("");
        if (host.equalsIgnoreCase("login.microsoftonline.com")) {
            return "Microsoft 365";
        }
        if (host.equalsIgnoreCase("accounts.google.com")) {
            return "Google";
        }
        return provider.id();
    }

    private Object connect(Request request, Response response) {
        return pages.withSession(request, response, session -> {
            if (!pages.hasFormToken(session, request)) {
                return pages.expiredForm(response);
            }
            boolean reconnect = "true".equals(RequestGuard.field(request, "reconnect").orElse(""));
            String formId = reconnect ? pages.formOf(session.user(), RequestGuard.field(request, "address").orElse(""), "reconnect")
                : SendAsPage.CONNECT_FORM;
            String providerId = PageRoutes.text(request, "provider");
            String username = PageRoutes.text(request, "username");
            try {
                URI redirectUri = redirectUri();
                MailAddress address = Visitor.sendAsAddress(PageRoutes.text(request, "address"));
                // Blank (and absent, as on the Reconnect form): the name the address had is kept.
                URI authorization = connections.begin(Actor.USER, session.user(), address, providerId,
                    username.isEmpty() ? address.asString() : username, Optional.of(PageRoutes.text(request, "displayName")),
                    redirectUri);
                String label = providers.find(providerId).map(OAuthConnectRoutes::label).orElse(providerId);
                response.type("text/html; charset=utf-8");
                return templates.connecting(new Pages.ConnectingPage(label, address.asString(), authorization.toString()));
            } catch (RuntimeException e) {
                Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
                response.status(refusal.status());
                return pages.render(session, response, FormErrors.of(formId, refusal), reconnect ? Map.of()
                    : Map.of("connect.address", PageRoutes.text(request, "address"), "connect.username", username,
                        "connect.displayName", PageRoutes.text(request, "displayName")));
            }
        });
    }

    /** No session here (see the class comment): the parameters go on, from our own site, to the finish route. */
    private Object callback(Request request, Response response) {
        String error = PageRoutes.text(request, "error");
        String finish = FINISH + "?state=" + encoded(PageRoutes.text(request, "state"))
            + (error.isEmpty() ? "&code=" + encoded(PageRoutes.text(request, "code")) : "&error=" + encoded(error));
        response.type("text/html; charset=utf-8");
        return templates.back(new Pages.BackPage(finish));
    }

    private Object finish(Request request, Response response) {
        return pages.withSession(request, response, session -> {
            String state = PageRoutes.text(request, "state");
            String error = PageRoutes.text(request, "error");
            if (!error.isEmpty()) {
                try {
                    connections.cancel(session.user(), state);
                } catch (InvalidFieldException unknownState) {
                    // Nothing to drop: the answer is the same, nothing was saved.
                }
                session.alert(error.equals("access_denied")
                    ? "Access was not granted at the provider: nothing was saved. Connect again to allow it."
                    : "The provider did not grant access (it answered '" + errorCode(error) + "'): nothing was saved. "
                        + "Connect the account again.");
            } else {
                try {
                    SendAsView saved = connections.complete(session.user(), state, PageRoutes.text(request, "code"));
                    session.notice(saved.status().equals("pending") ? "Enter the code we sent to " + saved.address()
                        : saved.address() + " is connected again: mail waiting for it goes out now.");
                } catch (RuntimeException e) {
                    Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
                    session.alert(refusal.field().filter("state"::equals).isPresent()
                        ? "This connection is unknown here, already used or over 10 minutes old: nothing was saved. "
                            + "Connect the account again."
                        : "The account was not connected, nothing was saved: " + refusal.message());
                }
            }
            return PageRoutes.redirect(response, "/send-as");
        });
    }

    /**
     * {@code <public.url>/send-as/oauth/callback}, what the admin registered at the provider: from the configuration
     * only. Never from the request's {@code Host}, which whoever sends the request chooses: the provider would send
     * the user's code to a host of their choice (and a provider that registered it would accept it).
     */
    private URI redirectUri() {
        return publicUrl.map(base -> URI.create(base + CALLBACK)).orElseThrow(() -> new SendAsSettingsException(
            SendAsSettingsException.Kind.UNAVAILABLE, "Connecting an account with its provider is not set up on this "
                + "server: its administrator must set 'public.url' in " + SelfServiceConfiguration.FILE + ".properties"));
    }

    /** An RFC 6749 error code is a word; anything else from a link is not repeated to the user as the provider's. */
    static String errorCode(String error) {
        return error.matches("[a-z_]{1,40}") ? error : "an unreadable error";
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
