package io.github.outboundrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.TokenRequest;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.OAuth2Exception;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A partner's OAuth 2.0 authorization server, for tests: NAV's mock-oauth2-server (a real server over HTTP on
 * loopback and a free port) with one issuer, {@link #ISSUER_ID}, that issues signed JWT access tokens for
 * {@link #AUDIENCE} (ES256-signed, see the constructor), serves discovery and JWKS, checks PKCE on the code exchange and rotates refresh tokens.
 *
 * <p>The subject of every token is the account set with {@link #signInAs} (the partner mailbox, as Microsoft 365 and
 * Google sign a user in). What the mock server would not do by itself is scripted here: a revoked grant
 * ({@link #revokeGrants}, every token request then answers {@code invalid_grant}, as a provider does after a password
 * change) and an outage ({@link #failTokenRequests}, answered {@code 500 server_error}).</p>
 */
public final class OAuthTestServer implements AutoCloseable {
    public static final String ISSUER_ID = "partner";
    public static final String AUDIENCE = "https://smtp.partner.test";
    /** Who is signed in until {@link #signInAs} says otherwise. */
    public static final String DEFAULT_ACCOUNT = "user@partner.test";
    /** Lifetime of access tokens until {@link #accessTokensLastSeconds} says otherwise. */
    public static final long DEFAULT_TOKEN_SECONDS = 3600;

    private final MockOAuth2Server server;
    private final PartnerTokens tokens = new PartnerTokens();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private OAuthTestServer() {
        // ES256 keys generated for this server alone: the mock's default RSA keys come from a file shipped in its jar
        // (every instance would sign alike), and an RS256 signature makes a token too long for subethasmtp's fixed
        // 998-octet command line once wrapped in AUTH XOAUTH2. Real providers' longer tokens are only a peer limit:
        // our client writes an AUTH line of any length.
        OAuth2TokenProvider signer = new OAuth2TokenProvider(new KeyProvider(List.of(), JWSAlgorithm.ES256.getName()), (java.time.Instant) null);
        OAuth2Config config = new OAuth2Config(false, null, null, true, signer, Set.of(tokens), new MockWebServerWrapper());
        this.server = new MockOAuth2Server(config);
    }

    public static OAuthTestServer start() {
        OAuthTestServer started = new OAuthTestServer();
        started.server.start(0);
        return started;
    }

    public URI issuer() {
        return server.issuerUrl(ISSUER_ID).uri();
    }

    public URI authorizationEndpoint() {
        return server.authorizationEndpointUrl(ISSUER_ID).uri();
    }

    public URI tokenEndpoint() {
        return server.tokenEndpointUrl(ISSUER_ID).uri();
    }

    public URI revocationEndpoint() {
        return server.revocationEndpointUrl(ISSUER_ID).uri();
    }

    public URL jwksUrl() {
        return server.jwksUrl(ISSUER_ID).url();
    }

    /** The validator a partner relay trusting this server uses (its JWKS, this issuer, {@link #AUDIENCE}). */
    public BearerTokenValidator validator() {
        return new BearerTokenValidator(jwksUrl(), issuer().toString(), AUDIENCE);
    }

    /** The account tokens are issued for from now on (the partner mailbox, e.g. {@code alice@partner.test}). */
    public OAuthTestServer signInAs(String account) {
        tokens.subject.set(account);
        return this;
    }

    /** Lifetime of access tokens issued from now on (negative: already expired when issued). */
    public OAuthTestServer accessTokensLastSeconds(long seconds) {
        tokens.expirySeconds.set(seconds);
        return this;
    }

    /** Every token request answers {@code invalid_grant} while true (the user revoked access, changed password). */
    public OAuthTestServer revokeGrants(boolean revoked) {
        tokens.revoked.set(revoked);
        return this;
    }

    /** Every token request answers {@code 500 server_error} while true (the provider's outage). */
    public OAuthTestServer failTokenRequests(boolean failing) {
        tokens.failing.set(failing);
        return this;
    }

    /**
     * Back to the behaviour of a fresh server: {@link #DEFAULT_ACCOUNT} signed in, tokens lasting
     * {@link #DEFAULT_TOKEN_SECONDS}, grants not revoked, no outage, counters at zero. Tokens and grants issued before
     * stay valid (the mock server keeps them).
     */
    public OAuthTestServer reset() {
        tokens.reset();
        return this;
    }

    /** Token requests answered with a token so far, per grant type ({@code authorization_code}, {@code refresh_token}). */
    public int tokensIssued(String grantType) {
        return tokens.issued.getOrDefault(grantType, new AtomicInteger()).get();
    }

    /** Token requests refused so far by {@link #revokeGrants} or {@link #failTokenRequests}. */
    public int tokenRequestsRefused() {
        return tokens.refused.get();
    }

    /** An access token issued directly (no grant), e.g. to prove the relay refuses a token of another audience. */
    public String issueAccessToken(String subject, String audience, long expirySeconds) {
        return server.issueToken(ISSUER_ID, subject, new no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback(
            ISSUER_ID, subject, "JWT", List.of(audience), Map.of(), expirySeconds)).serialize();
    }

    /**
     * What the user's browser does at the authorization endpoint: the server signs the user in at once (no login
     * page) and redirects to {@code redirectUri} with a code and the state. Returns that redirect's location.
     */
    public URI authorize(URI authorizationRequest) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(authorizationRequest).GET().build(),
                HttpResponse.BodyHandlers.discarding());
            return URI.create(response.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("authorization endpoint did not redirect: " + response.statusCode())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
    }

    /** Decodes one query parameter of a redirect location. */
    public static String queryParameter(URI location, String name) {
        for (String pair : location.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * The issuer's token callback. The mock server binds the callback of a code exchange to the refresh token it
     * issues, so refreshes of that grant come back here and see the revoked/failing switches too.
     */
    private static final class PartnerTokens implements OAuth2TokenCallback {
        final AtomicReference<String> subject = new AtomicReference<>(DEFAULT_ACCOUNT);
        final AtomicLong expirySeconds = new AtomicLong(DEFAULT_TOKEN_SECONDS);
        final AtomicBoolean revoked = new AtomicBoolean();
        final AtomicBoolean failing = new AtomicBoolean();
        final Map<String, AtomicInteger> issued = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();

        void reset() {
            subject.set(DEFAULT_ACCOUNT);
            expirySeconds.set(DEFAULT_TOKEN_SECONDS);
            revoked.set(false);
            failing.set(false);
            issued.clear();
            refused.set(0);
        }

        @Override
        public String issuerId() {
            return ISSUER_ID;
        }

        @Override
        public String subject(TokenRequest tokenRequest) {
            // Called first for every token the server issues: the place to refuse.
            if (failing.get()) {
                refused.incrementAndGet();
                throw new IllegalStateException("token endpoint outage (scripted)");
            }
            if (revoked.get()) {
                refused.incrementAndGet();
                throw new OAuth2Exception(OAuth2Error.INVALID_GRANT.setDescription("grant revoked (scripted)"),
                    "grant revoked (scripted)");
            }
            return subject.get();
        }

        @Override
        public String typeHeader(TokenRequest tokenRequest) {
            return "JWT";
        }

        @Override
        public List<String> audience(TokenRequest tokenRequest) {
            GrantType type = tokenRequest.getAuthorizationGrant().getType();
            issued.computeIfAbsent(type.getValue(), ignored -> new AtomicInteger()).incrementAndGet();
            return List.of(AUDIENCE);
        }

        @Override
        public Map<String, Object> addClaims(TokenRequest tokenRequest) {
            return Map.of();
        }

        @Override
        public long tokenExpiry() {
            return expirySeconds.get();
        }
    }
}
