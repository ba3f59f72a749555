package io.github.outboundrelay.selfservice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.CodeRequest;
import io.github.outboundrelay.core.settings.Refusal;
import io.github.outboundrelay.core.settings.SendAsRequest;
import io.github.outboundrelay.core.settings.SendAsSettings;
import spark.Request;
import spark.Response;
import spark.Route;
import spark.Service;

/**
 * The users' JSON API, the admin API's send-as routes for one's own addresses (same fields, errors and write-only
 * password), over the one settings flow with {@link Actor#USER}:
 * {@code GET /api/policy}, {@code GET /api/send-as}, {@code GET|PUT|DELETE /api/send-as/{address}},
 * {@code POST /api/send-as/{address}/confirm|verification|test}. Signed in by HTTP Basic (the James account) or by
 * the page's session; writes need {@code Content-Type: application/json} (a cross-site form cannot send it) and,
 * with a session, its CSRF token in {@code X-CSRF-Token}.
 */
final class ApiRoutes {
    private static final String SEND_AS = "/api/send-as/:address";

    private final SendAsSettings settings;
    private final Sessions sessions;
    private final SignIn signIn;
    private final ObjectMapper mapper = new ObjectMapper();

    ApiRoutes(SendAsSettings settings, Sessions sessions, SignIn signIn) {
        this.settings = settings;
        this.sessions = sessions;
        this.signIn = signIn;
    }

    void define(Service service) {
        service.before("/api/*", (request, response) -> authenticate(service, request, response));
        service.get("/api/policy", json((request, response) -> PolicyView.of(settings.policyOf(Visitor.user(request)))));
        service.get("/api/send-as", json((request, response) -> settings.list(Visitor.user(request))));
        service.get(SEND_AS, json((request, response) -> settings.get(Visitor.user(request), address(request))));
        service.put(SEND_AS, json((request, response) -> settings.save(Actor.USER, Visitor.user(request), address(request),
            SendAsRequest.parse(RequestGuard.body(request)))));
        service.delete(SEND_AS, json((request, response) -> {
            settings.remove(Actor.USER, Visitor.user(request), address(request));
            response.status(204);
            return null;
        }));
        service.post(SEND_AS + "/confirm", json((request, response) -> settings.confirm(Actor.USER, Visitor.user(request),
            address(request), CodeRequest.parse(RequestGuard.body(request)))));
        service.post(SEND_AS + "/verification", json((request, response) -> {
            response.status(202);
            return settings.resendCode(Actor.USER, Visitor.user(request), address(request));
        }));
        service.post(SEND_AS + "/test", json((request, response) ->
            settings.test(Actor.USER, Visitor.user(request), address(request))));
    }

    record PolicyView(String domain, boolean allowed, boolean allowInsecure, boolean allowAlternateAddresses,
                      boolean checkDmarc) {
        static PolicyView of(DomainRelayPolicy policy) {
            return new PolicyView(policy.domain().asString(), policy.relayAllowed(), policy.insecureRelayAllowed(),
                policy.alternateAddressesAllowed(), policy.dmarcCheck());
        }
    }

    private void authenticate(Service service, Request request, Response response) throws JsonProcessingException {
        if (!Visitor.isSameOrigin(request)) {
            throw service.halt(403, error(403, "Requests from another site are refused", response));
        }
        Optional<Visitor.BasicCredentials> basic = Visitor.basic(request);
        if (basic.isPresent()) {
            Optional<Username> user;
            try {
                user = signIn.authenticate(basic.get().login(), basic.get().password(), request.ip());
            } catch (SignIn.ThrottledException e) {
                throw service.halt(429, error(429, e.getMessage(), response));
            }
            if (user.isEmpty()) {
                response.header("WWW-Authenticate", "Basic realm=\"Send mail as\", charset=\"UTF-8\"");
                throw service.halt(401, error(401, SignIn.WRONG, response));
            }
            Visitor.setUser(request, user.get());
        } else {
            Optional<Sessions.Session> session = Visitor.sessionId(request).flatMap(sessions::find);
            if (session.isEmpty()) {
                response.header("WWW-Authenticate", "Basic realm=\"Send mail as\", charset=\"UTF-8\"");
                throw service.halt(401, error(401, "Sign in first (HTTP Basic with your mail account, "
                    + "or the page's session)", response));
            }
            if (Visitor.isStateChanging(request) && !sameToken(session.get().csrfToken(), request.headers(Visitor.CSRF_HEADER))) {
                throw service.halt(403, error(403, "'" + Visitor.CSRF_HEADER
                    + "' must carry the session's CSRF token", response));
            }
            Visitor.setUser(request, session.get().user());
        }
        if (Visitor.isStateChanging(request) && !isJson(request)) {
            throw service.halt(415, error(415, "The Content-Type header must be application/json (was '"
                + request.contentType() + "')", response));
        }
    }

    static boolean sameToken(String expected, String candidate) {
        return candidate != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
            candidate.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isJson(Request request) {
        String type = request.contentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
    }

    private static MailAddress address(Request request) {
        return Visitor.sendAsAddress(request.params("address"));
    }

    private Route json(Route route) {
        return (request, response) -> {
            response.type("application/json");
            try {
                Object answer = route.handle(request, response);
                return answer == null ? "" : mapper.writeValueAsString(answer);
            } catch (RuntimeException e) {
                Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
                response.status(refusal.status());
                return mapper.writeValueAsString(refusal.document());
            }
        };
    }

    /** A refusal of the API's own door (sign-in, origin, content type), in the same document as the settings' ones. */
    private String error(int status, String message, Response response) throws JsonProcessingException {
        response.type("application/json");
        return mapper.writeValueAsString(new Refusal.Document(status, Refusal.Type.INVALID_ARGUMENT.asJson(), message));
    }
}
