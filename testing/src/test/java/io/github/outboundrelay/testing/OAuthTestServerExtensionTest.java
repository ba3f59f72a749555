package io.github.outboundrelay.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What one test scripts at the shared server is gone in the next: the first test flips every switch, the second sees none. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OAuthTestServerExtensionTest {
    private static final String ALICE = "alice@partner.test";
    private static final String REDIRECT = "https://mail.ourdomain.test/callback";
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension(ALICE);
    private static OAuthTestServer first;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Order(1)
    void aTestScriptsEverySwitch() throws Exception {
        first = OAUTH.server();
        assertThat(exchangeACode().statusCode()).isEqualTo(200);
        OAUTH.server().signInAs("bob@partner.test").accessTokensLastSeconds(-5).revokeGrants(true).failTokenRequests(true);
        assertThat(exchangeACode().statusCode()).isNotEqualTo(200);
        assertThat(OAUTH.server().tokenRequestsRefused()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void theNextTestGetsTheSameServerBehavingAsNew() throws Exception {
        assertThat(OAUTH.server()).isSameAs(first);
        assertThat(OAUTH.server().tokensIssued("authorization_code")).isZero();
        assertThat(OAUTH.server().tokenRequestsRefused()).isZero();

        HttpResponse<String> answer = exchangeACode();

        assertThat(answer.statusCode()).isEqualTo(200);
        // Valid means signed for ALICE again and not expired.
        assertThat(OAUTH.server().validator().validate(accessToken(answer.body()))).isEqualTo(ALICE);
        assertThat(OAUTH.server().tokensIssued("authorization_code")).isEqualTo(1);
    }

    /** A browser's trip to the authorization endpoint, then the code exchanged as a public client would. */
    private HttpResponse<String> exchangeACode() throws Exception {
        OAuthTestServer server = OAUTH.server();
        URI callback = server.authorize(URI.create(server.authorizationEndpoint() + "?" + form(Map.of("client_id", "relay",
            "response_type", "code", "scope", "openid", "state", "s1", "redirect_uri", REDIRECT))));
        String body = form(Map.of("grant_type", "authorization_code", "client_id", "relay", "redirect_uri", REDIRECT,
            "code", OAuthTestServer.queryParameter(callback, "code")));
        return http.send(HttpRequest.newBuilder(server.tokenEndpoint())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
            .map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    }

    private static String accessToken(String tokenResponse) {
        int start = tokenResponse.indexOf("\"access_token\"");
        int open = tokenResponse.indexOf('"', tokenResponse.indexOf(':', start) + 1);
        return tokenResponse.substring(open + 1, tokenResponse.indexOf('"', open + 1));
    }
}
