package io.github.outboundrelay.selfservice;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.servlet.ServletRequest;
import javax.servlet.ServletRequestWrapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import spark.Request;
import spark.Response;
import spark.Service;
import io.github.outboundrelay.core.settings.Refusal;

/**
 * What every request of the users' surface must satisfy before any route or other filter reads it (registered first,
 * for every path):
 * <ul>
 * <li>no {@code X-HTTP-Method-Override} header, {@code 400} naming it: Spark routes by it, while the CSRF, Origin,
 * content-type and body checks read the request's real method (a {@code GET} overridden to {@code DELETE} would reach
 * the route unchecked);</li>
 * <li>a body of at most {@link #MAX_BODY_BYTES}, as WebAdmin's guard allows, or {@code 413}.</li>
 * </ul>
 * A declared {@code Content-Length} over the limit is refused before a byte is read; a body without one (chunked) is
 * read one byte past the limit at most. The body read is kept for the routes ({@link #body}, {@link #field}): nothing else reads the
 * stream, so no route can read more.
 */
final class RequestGuard {
    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final String BODY = RequestGuard.class.getName() + ".body";
    private static final String FORM = RequestGuard.class.getName() + ".form";
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";
    private static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

    private final ObjectMapper mapper = new ObjectMapper();
    private final Pages templates;

    RequestGuard(Pages templates) {
        this.templates = templates;
    }

    void define(Service service) {
        service.before((request, response) -> {
            if (request.headers(METHOD_OVERRIDE) != null) {
                throw service.halt(400, refusal(request, response, 400, "'" + METHOD_OVERRIDE
                    + "' is not accepted: send the request with its own method"));
            }
            if (request.raw().getContentLengthLong() > MAX_BODY_BYTES) {
                throw service.halt(413, refusal(request, response, 413, tooLarge()));
            }
            if (!Visitor.isStateChanging(request)) {
                return;
            }
            byte[] body = readAtMost(request, MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw service.halt(413, refusal(request, response, 413, tooLarge()));
            }
            request.attribute(BODY, body);
            if (isForm(request)) {
                try {
                    request.attribute(FORM, parseForm(new String(body, StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException e) {
                    throw service.halt(400, refusal(request, response, 400, "'body' is not a URL-encoded form"));
                }
            }
        });
    }

    /** The body of a {@code PUT}, {@code POST} or {@code DELETE} as the guard read it, as UTF-8 (JSON's encoding). */
    static String body(Request request) {
        byte[] body = request.attribute(BODY);
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    /** A field of a page's form (the URL-encoded body of a {@code POST}), or a query parameter of a {@code GET}. */
    static Optional<String> field(Request request, String name) {
        if (!Visitor.isStateChanging(request)) {
            return Optional.ofNullable(request.queryParams(name));
        }
        Map<String, String> form = request.attribute(FORM);
        return form == null ? Optional.empty() : Optional.ofNullable(form.get(name));
    }

    private static String tooLarge() {
        return "The request body is over " + MAX_BODY_BYTES + " bytes";
    }

    /**
     * Spark's own request wrapper would read a body it takes for unchunked (a {@code Transfer-Encoding} other than
     * exactly {@code chunked}, such as {@code CHUNKED}) in full into memory: the bytes are read from the server's
     * request underneath it.
     */
    private static byte[] readAtMost(Request request, int limit) throws IOException {
        ServletRequest raw = request.raw();
        while (raw instanceof ServletRequestWrapper wrapper) {
            raw = wrapper.getRequest();
        }
        // Not closed: the stream is the server's, which consumes or discards what is left after the answer.
        InputStream in = raw.getInputStream();
        return in.readNBytes(limit);
    }

    private static boolean isForm(Request request) {
        String type = request.contentType();
        return type != null && type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals(FORM_TYPE);
    }

    /** The first value of each field, as a servlet container's {@code getParameter} gives it. */
    private static Map<String, String> parseForm(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            fields.putIfAbsent(name, value);
        }
        return fields;
    }

    /** The API's error document under {@code /api/}, a page elsewhere; a refused body also ends the connection. */
    private String refusal(Request request, Response response, int status, String message) throws JsonProcessingException {
        if (status == 413) {
            response.header("Connection", "close");
        }
        if (request.uri().startsWith("/api/")) {
            response.type("application/json");
            return mapper.writeValueAsString(new Refusal.Document(status, Refusal.Type.INVALID_ARGUMENT.asJson(), message));
        }
        response.type("text/html; charset=utf-8");
        return templates.refused(new Pages.RefusedPage(message));
    }
}
