package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.testing.DeviceAuthorizationFront;
import io.github.outboundrelay.testing.OAuthTestServer;
import io.github.outboundrelay.testing.SmtpPeer;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * A partner that takes OAuth only, for issue 12's tests in a booted James: a real authorization server
 * (mock-oauth2-server, signed JWTs, PKCE, rotating refresh tokens) behind a front that adds the device grant and
 * records every token it hands out, and the partner's relay, which validates the bearer token (signature against the
 * JWKS, expiry, audience, account) and accepts only the given OAuth mechanisms, STARTTLS required.
 *
 * <p>Starting it allows {@code http} provider endpoints on loopback in this JVM (the test-only switch, off in
 * james-conf): create it in a static field before the James extension's, so that James boots with the switch on.</p>
 */
final class OAuthPartner implements AutoCloseable {
    static final String PROVIDER = "partner";
    static final String CLIENT_ID = "outbound-relay";
    static final String CLIENT_SECRET = "oauth-client-secret-3f9a";
    /** The partner's authorization server's loggers (running in the test's JVM): not James's logs. */
    static final List<String> PARTNER_LOGGERS = List.of("no.nav.security", "okhttp3", "mockwebserver3", "com.nimbusds");

    final OAuthTestServer oauth;
    final DeviceAuthorizationFront device;
    final SmtpPeer relay;

    private OAuthPartner(List<String> mechanisms) {
        System.setProperty(OAuthEndpointPolicy.TEST_SWITCH, "true");
        this.oauth = OAuthTestServer.start();
        this.device = DeviceAuthorizationFront.start(oauth);
        this.relay = SmtpPeer.builder().requireStartTls().requireOAuth(oauth.validator(), mechanisms).start();
    }

    /** @param mechanisms what the relay offers: XOAUTH2, OAUTHBEARER or both */
    static OAuthPartner start(List<String> mechanisms) {
        return new OAuthPartner(mechanisms);
    }

    /** The provider, as the admin sets it through WebAdmin: tokens are obtained through the recording front. */
    ValidatableResponse register(RequestSpecification admin) {
        return given().spec(admin).body(Map.of(
                "authorizationEndpoint", oauth.authorizationEndpoint().toString(),
                "tokenEndpoint", device.tokenEndpoint().toString(),
                "deviceAuthorizationEndpoint", device.deviceAuthorizationEndpoint().toString(),
                "clientId", CLIENT_ID, "clientSecret", CLIENT_SECRET,
                "scopes", List.of("openid", "smtp", "offline_access"),
                "relay", Map.of("host", "localhost", "port", relay.port(), "security", "STARTTLS")))
            .put("/outbound-relay/oauth-providers/" + PROVIDER).then().statusCode(200);
    }

    /** What must never show in logs, answers, pages or the store: every token and code verifier, the client secret. */
    Set<String> secrets() {
        Set<String> secrets = new HashSet<>(device.secretsIssued());
        secrets.add(CLIENT_SECRET);
        return secrets;
    }

    @Override
    public void close() {
        System.clearProperty(OAuthEndpointPolicy.TEST_SWITCH);
        relay.close();
        device.close();
        oauth.close();
    }
}
