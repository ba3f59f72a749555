package io.github.outboundrelay.selfservice;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.PlainAddress;

import spark.Request;
import spark.Response;

/**
 * Who is asking, and whether a state-changing request really comes from our own pages: the session cookie
 * ({@code __Host-} prefixed: HTTPS only, this host only, path {@code /}; HttpOnly; SameSite=Strict) or HTTP Basic
 * credentials for scripts, the CSRF token of the session, and the {@code Origin} a browser sends.
 */
final class Visitor {
    static final String COOKIE = "__Host-outbound-relay";
    static final String CSRF_FIELD = "csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    private Visitor() {
    }

    static Optional<String> sessionId(Request request) {
        return Optional.ofNullable(request.cookie(COOKIE));
    }

    static void setSessionCookie(Response response, String id) {
        response.header("Set-Cookie", COOKIE + "=" + id + "; Path=/; Secure; HttpOnly; SameSite=Strict");
    }

    static void clearSessionCookie(Response response) {
        response.header("Set-Cookie", COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    }

    /** The login and password of an {@code Authorization: Basic} header. */
    record BasicCredentials(String login, String password) {
        @Override
        public String toString() {
            return "BasicCredentials[" + login + "]";
        }
    }

    static Optional<BasicCredentials> basic(Request request) {
        String header = request.headers("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                : Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A browser names the page a request comes from: it must be one of ours (no Origin: not a browser's cross-site request). */
    static boolean isSameOrigin(Request request) {
        String origin = request.headers("Origin");
        return origin == null || origin.equalsIgnoreCase("https://" + request.headers("Host"));
    }

    static boolean isStateChanging(Request request) {
        return !"GET".equals(request.requestMethod()) && !"HEAD".equals(request.requestMethod());
    }

    /** A send-as address as a user typed it (path or form): 400 naming {@code address} when it is not a plain one. */
    static MailAddress sendAsAddress(String text) {
        return PlainAddress.parse(text);
    }

    static Username user(Request request) {
        return request.attribute("user");
    }

    static void setUser(Request request, Username user) {
        request.attribute("user", user);
    }
}
