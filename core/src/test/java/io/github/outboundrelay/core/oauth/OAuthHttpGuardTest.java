package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What our HTTP client adds to the SDK's requests ({@link OAuthHttp}), against a real HTTP server: a redirect is not
 * followed, an answer too big for an OAuth answer is refused before it is all read, a {@code 503} is temporary; and
 * discovery's RFC 8414 fallback.
 */
class OAuthHttpGuardTest {
    @RegisterExtension
    final ScriptedAuthorizationServer http = new ScriptedAuthorizationServer();
    private final AtomicInteger redirectTargetHits = new AtomicInteger();

    @BeforeEach
    void answers() {
        http.handle("/redirecting/token", exchange -> {
            exchange.getResponseHeaders().add("Location", http.uri("/elsewhere/token").toString());
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        http.handle("/elsewhere/token", exchange -> {
            redirectTargetHits.incrementAndGet();
            ScriptedAuthorizationServer.send(exchange, 200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\"}");
        });
        http.answer("/huge/token", 200, "{\"access_token\":\"" + "a".repeat(OAuthHttp.MAX_ANSWER_BYTES) + "\",\"token_type\":\"Bearer\"}");
        http.answer("/busy/token", 503, "{}");
        // Only RFC 8414's document, with the well-known part between the host and the issuer's path.
        http.answer("/.well-known/oauth-authorization-server/tenant", 200, "{\"issuer\":\"" + http.uri("/tenant")
            + "\",\"authorization_endpoint\":\"" + http.uri("/tenant/authorize") + "\",\"token_endpoint\":\""
            + http.uri("/tenant/token") + "\"}");
    }

    @Test
    void aRedirectIsNotFollowed() {
        OAuthException refusal = refusalAt("/redirecting/token");

        assertThat(refusal.kind()).isEqualTo(OAuthException.Kind.MISCONFIGURED);
        assertThat(refusal).hasMessage("Token refresh refused, HTTP 307");
        assertThat(redirectTargetHits).hasValue(0);
    }

    @Test
    void anAnswerTooBigForAnOAuthAnswerIsRefused() {
        OAuthException refusal = refusalAt("/huge/token");

        assertThat(refusal.kind()).isEqualTo(OAuthException.Kind.MISCONFIGURED);
        assertThat(refusal).hasMessage("Token refresh at 127.0.0.1 answered more than 256 KiB: not an OAuth answer");
    }

    @Test
    void aBusyTokenEndpointIsTemporary() {
        OAuthException refusal = refusalAt("/busy/token");

        assertThat(refusal.kind()).isEqualTo(OAuthException.Kind.TEMPORARY);
        assertThat(refusal.errorCode()).isEqualTo("http_503");
    }

    @Test
    void discoveryFallsBackToTheAuthorizationServerMetadataOfRfc8414() throws Exception {
        OAuthDiscovery.Endpoints endpoints = new OAuthDiscovery(OAuthEndpointPolicy.forTests(), Duration.ofSeconds(5))
            .discover(http.uri("/tenant"));

        assertThat(endpoints.authorizationEndpoint()).isEqualTo(http.uri("/tenant/authorize"));
        assertThat(endpoints.tokenEndpoint()).isEqualTo(http.uri("/tenant/token"));
        assertThat(endpoints.deviceAuthorizationEndpoint()).isEmpty();
    }

    private OAuthException refusalAt(String tokenPath) {
        OAuthProvider provider = http.provider(tokenPath, Optional.empty(), List.of("smtp"));
        return catchThrowableOfType(() -> OAuthFixtures.client(Clock.systemUTC()).refresh(provider, "refresh-token"),
            OAuthException.class);
    }
}
