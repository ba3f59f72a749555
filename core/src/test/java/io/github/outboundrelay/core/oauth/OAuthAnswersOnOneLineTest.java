package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an authorization server writes in {@code error}, {@code error_description} or a discovery document's
 * {@code issuer} reaches our messages, which go to log lines (relay checks, delivery) and API answers: a CR/LF in it
 * must not start a line of its own.
 */
class OAuthAnswersOnOneLineTest {
    static final String FORGED = "\r\n2024-01-01 00:00:00 [INFO ] forged log line\u2028another";

    @RegisterExtension
    final ScriptedAuthorizationServer http = new ScriptedAuthorizationServer();

    @BeforeEach
    void answers() {
        http.answer("/token", 400, "{\"error\":\"invalid_grant\",\"error_description\":\"revoked" + json(FORGED) + "\"}");
        http.answer("/forged-code/token", 400,
            "{\"error\":\"invalid_grant" + json(FORGED) + "\",\"error_description\":\"revoked" + json(FORGED) + "\"}");
        http.answer("/.well-known/openid-configuration", 200, "{\"issuer\":\"https://issuer.partner.test" + json(FORGED) + "\"}");
    }

    @Test
    void aTokenEndpointsErrorDescriptionStaysOnOneLine() {
        assertThatThrownBy(() -> OAuthFixtures.client(Clock.systemUTC()).refresh(provider("/token"), "refresh-token"))
            .isInstanceOfSatisfying(OAuthException.class, e -> {
                assertThat(e.kind()).isEqualTo(OAuthException.Kind.RECONNECT_NEEDED);
                assertThat(e.getMessage()).contains("forged log line").doesNotContain("\r", "\n", "\u2028");
            });
    }

    /** RFC 6749 section 5.2 allows no line break in {@code error}: such an answer is an unnamed refusal, on one line. */
    @Test
    void aTokenEndpointsErrorWithALineBreakIsNotTakenAsAnErrorCode() {
        assertThatThrownBy(() -> OAuthFixtures.client(Clock.systemUTC()).refresh(provider("/forged-code/token"), "refresh-token"))
            .isInstanceOfSatisfying(OAuthException.class, e -> {
                assertThat(e.kind()).isEqualTo(OAuthException.Kind.MISCONFIGURED);
                assertThat(e.getMessage()).doesNotContain("\r", "\n", "\u2028");
                assertThat(e.errorCode()).doesNotContain("\r", "\n", "\u2028");
            });
    }

    @Test
    void aDiscoveryDocumentsIssuerStaysOnOneLine() {
        assertThatThrownBy(() -> new OAuthDiscovery(OAuthEndpointPolicy.forTests(), Duration.ofSeconds(5)).discover(http.uri("")))
            .isInstanceOfSatisfying(OAuthException.class, e ->
                assertThat(e.getMessage()).contains("names another issuer").doesNotContain("\r", "\n", "\u2028"));
    }

    private OAuthProvider provider(String tokenPath) {
        return http.provider(tokenPath, Optional.empty(), List.of("smtp"));
    }

    private static String json(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n").replace("\u2028", "\\u2028");
    }
}
