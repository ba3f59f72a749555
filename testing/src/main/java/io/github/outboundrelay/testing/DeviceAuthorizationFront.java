package io.github.outboundrelay.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The device authorization grant (RFC 8628) in front of an {@link OAuthTestServer}, whose mock-oauth2-server has none:
 * a device endpoint that hands out a device code and a user code, and a token endpoint that answers
 * {@code authorization_pending} for a device code until the test {@link #approve}s its user code, then the token
 * answer of a real code flow (PKCE) run against the mock server for the signed-in account: a signed JWT and a refresh
 * token the mock server will refresh. Every other token request (refreshes, the client's own code exchanges) is
 * forwarded to the mock server as it is, so its revoked and failing switches apply. Every token, device code and code
 * verifier that passes through is recorded ({@link #secretsIssued}).
 */
public final class DeviceAuthorizationFront implements AutoCloseable {
    private static final java.util.regex.Pattern TOKEN =
        java.util.regex.Pattern.compile("\"(?:access_token|refresh_token|id_token)\"\\s*:\\s*\"([^\"]+)\"");
    private static final URI CALLBACK = URI.create("http://127.0.0.1/device-callback");

    private final OAuthTestServer oauth;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Set<String> approved = ConcurrentHashMap.newKeySet();
    private final AtomicInteger polls = new AtomicInteger();
    private final Set<String> secretsIssued = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();

    private record Device(String userCode, String clientId, String scope) {
    }

    private DeviceAuthorizationFront(OAuthTestServer oauth) throws IOException {
        this.oauth = oauth;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/device", this::device);
        server.createContext("/token", this::token);
        server.start();
    }

    public static DeviceAuthorizationFront start(OAuthTestServer oauth) {
        try {
            return new DeviceAuthorizationFront(oauth);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI deviceAuthorizationEndpoint() {
        return URI.create(base() + "/device");
    }

    public URI tokenEndpoint() {
        return URI.create(base() + "/token");
    }

    /** The user entered this code at the verification URI and approved access. */
    public void approve(String userCode) {
        approved.add(userCode);
    }

    /** Every access token, refresh token, device code and code verifier that passed here: what must never show anywhere. */
    public Set<String> secretsIssued() {
        return Set.copyOf(secretsIssued);
    }

    /** Device-code polls of the token endpoint so far. */
    public int devicePolls() {
        return polls.get();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void device(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        String deviceCode = "device-" + UUID.randomUUID();
        String userCode = String.format("%04X-%04X", random.nextInt(0x10000), random.nextInt(0x10000));
        secretsIssued.add(deviceCode);
        devices.put(deviceCode, new Device(userCode, form.get("client_id"), form.getOrDefault("scope", "")));
        answer(exchange, 200, "{\"device_code\":\"" + deviceCode + "\",\"user_code\":\"" + userCode
            + "\",\"verification_uri\":\"https://login.partner.test/device\",\"expires_in\":600,\"interval\":1}");
    }

    private void token(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> form = parse(new String(body, StandardCharsets.UTF_8));
        if (!"urn:ietf:params:oauth:grant-type:device_code".equals(form.get("grant_type"))) {
            // A code exchange of the client's own code flow: its PKCE verifier is a secret too.
            java.util.Optional.ofNullable(form.get("code_verifier")).ifPresent(secretsIssued::add);
            HttpResponse<String> forwarded = post(oauth.tokenEndpoint(), new String(body, StandardCharsets.UTF_8));
            answer(exchange, forwarded.statusCode(), forwarded.body());
            return;
        }
        polls.incrementAndGet();
        Device device = devices.get(form.get("device_code"));
        if (device == null) {
            answer(exchange, 400, "{\"error\":\"invalid_grant\"}");
        } else if (!approved.contains(device.userCode())) {
            answer(exchange, 400, "{\"error\":\"authorization_pending\"}");
        } else {
            devices.remove(form.get("device_code"));
            HttpResponse<String> tokens = codeFlow(device);
            answer(exchange, tokens.statusCode(), tokens.body());
        }
    }

    /** What the user's approval amounts to: a code flow with PKCE for the signed-in account, at the mock server. */
    private HttpResponse<String> codeFlow(Device device) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", device.clientId());
        query.put("redirect_uri", CALLBACK.toString());
        query.put("scope", device.scope());
        query.put("state", "device");
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        URI callback = oauth.authorize(URI.create(oauth.authorizationEndpoint() + "?" + encoded(query)));
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", OAuthTestServer.queryParameter(callback, "code"));
        exchange.put("redirect_uri", CALLBACK.toString());
        exchange.put("code_verifier", verifier);
        exchange.put("client_id", device.clientId());
        return post(oauth.tokenEndpoint(), encoded(exchange));
    }

    private HttpResponse<String> post(URI uri, String form) {
        try {
            return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        return parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static Map<String, String> parse(String form) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static String encoded(Map<String, String> fields) {
        return fields.entrySet().stream()
            .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    }

    private void answer(HttpExchange exchange, int status, String json) throws IOException {
        java.util.regex.Matcher token = TOKEN.matcher(json);
        while (token.find()) {
            secretsIssued.add(token.group(1));
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
