package io.github.outboundrelay.webadmin;

import java.io.FileNotFoundException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.eclipse.jetty.http.HttpStatus;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * What every request to this WebAdmin must satisfy before any route reads it, ours under {@code /outbound-relay} and
 * James's own ({@code /users}, {@code /domains}, {@code /mailQueues}...) alike: registered once per WebAdmin server,
 * for every path, by whichever of our route classes is defined first ({@link #protect}), so that it covers them all,
 * whichever of ours the admin lists:
 * <ul>
 *     <li>{@code Host} names this WebAdmin (its configured {@code host}, the address the connection came to, localhost
 *     for a loopback WebAdmin or connection, or a name listed in webadmin.properties {@code outbound-relay.allowedHosts}) with the port
 *     it listens on: a web page whose name an attacker re-pointed at this server (DNS rebinding) is refused, 421;</li>
 *     <li>an {@code Origin} header, which browsers add to cross-site requests (and preflights), must be this WebAdmin's
 *     own (or the configured {@code cors.origin}), 403;</li>
 *     <li>no {@code X-HTTP-Method-Override} header, 400: Spark would route the request by it while these checks read
 *     the request's own method (a GET would reach a PUT route past the checks below);</li>
 *     <li>a state-changing request (PUT, POST, DELETE, PATCH) that carries a body says
 *     {@code Content-Type: application/json}, which a plain HTML form cannot send, 415; under {@code /outbound-relay}
 *     also one without a body (our writes all take JSON);</li>
 *     <li>a body of at most {@link #MAX_BODY_BYTES} bytes, 413 (note that James's request logging has read the body
 *     before any filter runs, so put a proxy's limit in front of an exposed WebAdmin).</li>
 * </ul>
 * James 3.8.1 answers {@code Access-Control-Allow-Origin} with its {@code cors.origin} ({@code *} when unset) whatever
 * {@code cors.enable} says; the guard replaces it with the configured origin when {@code cors.enable} is true, and
 * removes it otherwise, so no answer invites another site's page to read it.
 * It also installs {@link RequestBodyRedaction}, which keeps passwords out of WebAdmin's request log.
 */
@Singleton
public class AdminApiGuard {
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final String ALLOWED_HOSTS_KEY = "outbound-relay.allowedHosts";
    private static final Set<String> STATE_CHANGING = Set.of("PUT", "POST", "DELETE", "PATCH");
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    /** Spark routes by this header instead of the request's method. */
    static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
    /** Servers already guarded: each of our route classes asks, the first one installs the filter. */
    private static final Set<Service> GUARDED = Collections.newSetFromMap(new WeakHashMap<>());

    private final Set<String> allowedHostNames;
    private final Set<String> allowedAuthorities;
    /** The configured {@code cors.origin}, when {@code cors.enable} is true and it names one origin. */
    private final Optional<String> corsOrigin;

    @Inject
    AdminApiGuard(WebAdminConfiguration configuration, PropertiesProvider properties) throws ConfigurationException {
        this(configuration, extraHosts(properties));
    }

    AdminApiGuard(WebAdminConfiguration configuration, List<String> extraHosts) {
        Set<String> names = new HashSet<>();
        String host = configuration.getHost().toLowerCase(Locale.ROOT);
        if (!host.equals("0.0.0.0")) {
            names.add(host);
        }
        if (isLoopback(host)) {
            names.addAll(LOOPBACK_NAMES);
        }
        this.allowedHostNames = Set.copyOf(names);
        this.allowedAuthorities = extraHosts.stream().map(entry -> entry.trim().toLowerCase(Locale.ROOT))
            .filter(entry -> !entry.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.corsOrigin = Optional.of(configuration.getUrlCORSOrigin())
            .filter(origin -> configuration.isEnableCORS() && !origin.equals("*"));
    }

    /** The guard of a WebAdmin on loopback, as the tests' WebAdmin servers are. */
    static AdminApiGuard loopbackOnly() {
        return new AdminApiGuard(WebAdminConfiguration.TEST_CONFIGURATION, List.of());
    }

    /**
     * Registers the checks for every route of this server, James's included, once. Spark runs every before-filter
     * ahead of any route, whenever the filter was registered.
     */
    void protect(Service service) {
        synchronized (GUARDED) {
            if (!GUARDED.add(service)) {
                return;
            }
        }
        service.before((request, response) -> check(request, response));
        RequestBodyRedaction.install();
    }

    private void check(Request request, Response response) {
        // Jetty drops a header set to null: James's CORSFilter, which ran before, set '*' unless cors.origin is set.
        response.raw().setHeader(ALLOW_ORIGIN, corsOrigin.orElse(null));
        String hostHeader = Optional.ofNullable(request.headers("Host")).orElse("");
        if (!isOurs(hostHeader, request)) {
            throw error(421, "The Host header '" + hostHeader + "' does not name this WebAdmin: add the name to "
                + ALLOWED_HOSTS_KEY + " in webadmin.properties if it is yours");
        }
        String origin = request.headers("Origin");
        if (origin != null && !isOwnOrigin(origin, request)) {
            throw error(HttpStatus.FORBIDDEN_403, "Requests from web pages of another origin (Origin header '" + origin
                + "') are refused");
        }
        if (request.headers(METHOD_OVERRIDE) != null) {
            throw error(HttpStatus.BAD_REQUEST_400, "'" + METHOD_OVERRIDE + "' is refused: send the request with its own method");
        }
        if (!STATE_CHANGING.contains(request.requestMethod().toUpperCase(Locale.ROOT))) {
            return;
        }
        if ((isUnderOurBase(request) || carriesBody(request)) && !isJson(request.contentType())) {
            throw error(HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, "The Content-Type header must be application/json (was '"
                + Optional.ofNullable(request.contentType()).orElse("") + "')");
        }
        if (request.contentLength() > MAX_BODY_BYTES || request.bodyAsBytes().length > MAX_BODY_BYTES) {
            throw error(HttpStatus.PAYLOAD_TOO_LARGE_413, "The request body is over " + MAX_BODY_BYTES + " bytes");
        }
    }

    /**
     * {@code authority} is a Host header value (or an Origin's authority): a name listed verbatim in
     * {@code outbound-relay.allowedHosts} (with or without port: behind a proxy), or one of our names with the port
     * this WebAdmin listens on.
     */
    private boolean isOurs(String authority, Request request) {
        String lower = authority.toLowerCase(Locale.ROOT);
        if (lower.isEmpty()) {
            return false;
        }
        if (allowedAuthorities.contains(lower)) {
            return true;
        }
        int colon = lower.lastIndexOf(':');
        boolean hasPort = colon > lower.lastIndexOf(']');
        String name = hasPort ? lower.substring(0, colon) : lower;
        String port = hasPort ? lower.substring(colon + 1) : String.valueOf(defaultPort(request.scheme()));
        return port.equals(String.valueOf(request.raw().getLocalPort()))
            && (allowedHostNames.contains(name) || allowedAuthorities.contains(name) || isLocalAddressLiteral(name, request)
                || (name.equals("localhost") && cameOverLoopback(request)));
    }

    /** {@code localhost} is never looked up in public DNS: a page cannot be re-pointed there by an attacker. */
    private static boolean cameOverLoopback(Request request) {
        try {
            return InetAddress.getByName(request.raw().getLocalAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private boolean isOwnOrigin(String origin, Request request) {
        String lower = origin.toLowerCase(Locale.ROOT);
        if (corsOrigin.map(configured -> configured.equalsIgnoreCase(lower)).orElse(false)) {
            return true;
        }
        try {
            URI uri = new URI(lower);
            if (uri.getHost() == null || !uri.getScheme().equals(request.scheme())) {
                return false;
            }
            return isOurs(uri.getRawAuthority(), request);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The IP address the connection came to, written as an IP literal: a page loaded from it is this server's own. */
    private static boolean isLocalAddressLiteral(String name, Request request) {
        String literal = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        if (!com.google.common.net.InetAddresses.isInetAddress(literal)) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).equals(InetAddress.getByName(request.raw().getLocalAddr()));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isUnderOurBase(Request request) {
        String path = Optional.ofNullable(request.pathInfo()).orElse("");
        return path.equals(OutboundRelayRoutes.BASE) || path.startsWith(OutboundRelayRoutes.BASE + "/");
    }

    private static boolean carriesBody(Request request) {
        return request.contentLength() > 0 || request.headers("Transfer-Encoding") != null;
    }

    private static boolean isJson(String contentType) {
        return contentType != null
            && contentType.split(";", 2)[0].trim().equalsIgnoreCase("application/json");
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return com.google.common.net.InetAddresses.isInetAddress(host) && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static List<String> extraHosts(PropertiesProvider properties) throws ConfigurationException {
        try {
            return Arrays.asList(properties.getConfiguration("webadmin").getStringArray(ALLOWED_HOSTS_KEY));
        } catch (FileNotFoundException e) {
            return List.of();
        }
    }

    private static spark.HaltException error(int status, String message) {
        return ErrorResponder.builder()
            .statusCode(status)
            .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message(message)
            .haltError();
    }
}
