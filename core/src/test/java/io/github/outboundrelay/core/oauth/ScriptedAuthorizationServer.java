package io.github.outboundrelay.core.oauth;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;

/**
 * An authorization server whose answers the test writes itself (JDK's HttpServer on loopback, over real HTTP), where
 * mock-oauth2-server cannot give them: one per test, started before the test's own {@code @BeforeEach}.
 */
final class ScriptedAuthorizationServer implements BeforeEachCallback, AfterEachCallback {
    private HttpServer server;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.stop(0);
    }

    void handle(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** Answers every request to {@code path} with this JSON. */
    void answer(String path, int status, String json) {
        handle(path, exchange -> send(exchange, status, json));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** A public client of this server, with its token endpoint at {@code tokenPath}. */
    OAuthProvider provider(String tokenPath, Optional<String> devicePath, List<String> scopes) {
        return new OAuthProvider("partner", uri("/authorize"), uri(tokenPath), devicePath.map(this::uri), "public-client",
            Optional.empty(), scopes, Map.of(), new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS));
    }

    static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String body(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }
}
