package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;

/**
 * What our HTTP client adds to the SDK's requests ({@link OAuthHttp}), against a real HTTP server: a redirect is not
 * followed, an answer too big for an OAuth answer is refused before it is all read, a {@code 503} is temporary; and
 * discovery's RFC 8414 fallback.
 */
class OAuthHttpGuardTest {
    private final AtomicInteger redirectTargetHits = new AtomicInteger();
    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/redirecting/token", exchange -> {
            exchange.getResponseHeaders().add("Location", base.resolve("/elsewhere/token").toString());
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        server.createContext("/elsewhere/token", exchange -> {
            redirectTargetHits.incrementAndGet();
            JsonAnswer.send(exchange, 200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\"}");
        });
        server.createContext("/huge/token", exchange -> JsonAnswer.send(exchange, 200,
            "{\"access_token\":\"" + "a".repeat(OAuthHttp.MAX_ANSWER_BYTES) + "\",\"token_type\":\"Bearer\"}"));
        server.createContext("/busy/token", exchange -> JsonAnswer.send(exchange, 503, "{}"));
        // Only RFC 8414's document, with the well-known part between the host and the issuer's path.
        server.createContext("/.well-known/oauth-authorization-server/tenant", exchange -> JsonAnswer.send(exchange, 200,
            "{\"issuer\":\"" + base.resolve("/tenant") + "\",\"authorization_endpoint\":\"" + base.resolve("/tenant/authorize")
                + "\",\"token_endpoint\":\"" + base.resolve("/tenant/token") + "\"}"));
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aRedirectIsNotFollowed() {
        assertThatThrownBy(() -> refreshAt("/redirecting/token"))
            .isInstanceOfSatisfying(OAuthException.class, e -> {
                assertThat(e.kind()).isEqualTo(OAuthException.Kind.MISCONFIGURED);
                assertThat(e.getMessage()).isEqualTo("Token refresh refused, HTTP 307");
            });
        assertThat(redirectTargetHits).hasValue(0);
    }

    @Test
    void anAnswerTooBigForAnOAuthAnswerIsRefused() {
        assertThatThrownBy(() -> refreshAt("/huge/token"))
            .isInstanceOfSatisfying(OAuthException.class, e -> {
                assertThat(e.kind()).isEqualTo(OAuthException.Kind.MISCONFIGURED);
                assertThat(e.getMessage()).isEqualTo("Token refresh at 127.0.0.1 answered more than 256 KiB: not an OAuth answer");
            });
    }

    @Test
    void aBusyTokenEndpointIsTemporary() {
        assertThatThrownBy(() -> refreshAt("/busy/token"))
            .isInstanceOfSatisfying(OAuthException.class, e -> {
                assertThat(e.kind()).isEqualTo(OAuthException.Kind.TEMPORARY);
                assertThat(e.errorCode()).isEqualTo("http_503");
            });
    }

    @Test
    void discoveryFallsBackToTheAuthorizationServerMetadataOfRfc8414() throws Exception {
        OAuthDiscovery.Endpoints endpoints = new OAuthDiscovery(OAuthEndpointPolicy.forTests(), Duration.ofSeconds(5))
            .discover(base.resolve("/tenant"));

        assertThat(endpoints.authorizationEndpoint()).isEqualTo(base.resolve("/tenant/authorize"));
        assertThat(endpoints.tokenEndpoint()).isEqualTo(base.resolve("/tenant/token"));
        assertThat(endpoints.deviceAuthorizationEndpoint()).isEmpty();
    }

    private TokenGrant refreshAt(String tokenPath) throws OAuthException {
        OAuthProvider provider = new OAuthProvider("partner", base.resolve("/authorize"), base.resolve(tokenPath),
            Optional.empty(), "client", Optional.empty(), List.of("smtp"), Map.of(),
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS));
        return OAuthFixtures.client(Clock.systemUTC()).refresh(provider, "refresh-token");
    }
}
