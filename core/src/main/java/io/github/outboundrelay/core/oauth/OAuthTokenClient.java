package io.github.outboundrelay.core.oauth;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.SecretSealer;

/**
 * The client side of OAuth 2.0 for partner accounts, over java.net.http: the authorization request of the code flow
 * (PKCE S256 and {@code state}), the code exchange, refreshes, and the device authorization grant (RFC 8628) for an
 * admin without a browser at hand. The client authenticates with {@code client_secret_post} when the provider has a
 * secret (opened only for the request), as a public client otherwise.
 *
 * <p>Every endpoint is checked against the {@link OAuthEndpointPolicy} before anything is sent (a refused one is
 * {@code MISCONFIGURED}). Failures are
 * {@link OAuthException}s whose {@link OAuthException.Kind} says what to do: {@code invalid_grant} is
 * {@code RECONNECT_NEEDED}, an unreachable endpoint or a {@code 5xx} is {@code TEMPORARY}.</p>
 */
public class OAuthTokenClient {
    /** RFC 8628 section 3.5: "slow_down" adds 5 seconds to the polling interval. */
    static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);
    /** Used when a token answer has no {@code expires_in} (RFC 6749 only recommends it): short, to stay safe. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    private static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    /** Waits between two device polls; a test passes one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final OAuthHttp http;
    private final SecretSealer sealer;
    private final OAuthEndpointPolicy policy;
    private final Clock clock;

    public OAuthTokenClient(SecretSealer sealer, OAuthEndpointPolicy policy, Duration timeout, Clock clock) {
        this.http = new OAuthHttp(timeout);
        this.sealer = sealer;
        this.policy = policy;
        this.clock = clock;
    }

    /** Where to send the user's browser: code flow with PKCE S256, the state and the provider's scopes. */
    public URI authorizationRequest(OAuthProvider provider, URI redirectUri, OAuthState state, Pkce pkce,
                                    Optional<String> loginHint) {
        policy.check("authorizationEndpoint", provider.authorizationEndpoint());
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", provider.clientId());
        query.put("redirect_uri", redirectUri.toString());
        query.put("scope", provider.scope());
        query.put("state", state.value());
        query.put("code_challenge", pkce.challenge());
        query.put("code_challenge_method", Pkce.METHOD);
        loginHint.ifPresent(hint -> query.put("login_hint", hint));
        query.putAll(provider.authorizationParameters());
        URI endpoint = provider.authorizationEndpoint();
        String separator = endpoint.getRawQuery() == null ? "?" : "&";
        return URI.create(endpoint + separator + OAuthHttp.formEncoded(query));
    }

    /** The callback's code for tokens; the verifier proves this client started the flow. */
    public TokenGrant exchangeCode(OAuthProvider provider, String code, URI redirectUri, Pkce pkce) throws OAuthException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("code_verifier", pkce.verifier());
        return tokenRequest(provider, form, "Code exchange");
    }

    /**
     * A new access token for a connected account. When the provider rotates refresh tokens the answer holds the new
     * one; when it does not, the answer holds the one given here, so the caller always keeps
     * {@code grant.refreshToken()}.
     */
    public TokenGrant refresh(OAuthProvider provider, String refreshToken) throws OAuthException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("scope", provider.scope());
        TokenGrant grant = tokenRequest(provider, form, "Token refresh");
        return grant.refreshToken().isPresent() ? grant
            : new TokenGrant(grant.accessToken(), Optional.of(refreshToken), grant.scope());
    }

    /** RFC 8628 section 3.1: a device code and the user code to enter at the verification URI. */
    public DeviceAuthorization startDeviceAuthorization(OAuthProvider provider) throws OAuthException {
        URI endpoint = provider.deviceAuthorizationEndpoint().orElseThrow(() -> new OAuthException(
            OAuthException.Kind.MISCONFIGURED, "", "Provider " + provider.id() + " has no device authorization endpoint"));
        checkBeforeSending("deviceAuthorizationEndpoint", endpoint);
        Map<String, String> form = clientAuthentication(provider);
        form.put("scope", provider.scope());
        OAuthHttp.Answer answer = http.postForm(endpoint, form, "Device authorization");
        if (!answer.isSuccess()) {
            throw failure(answer, "Device authorization");
        }
        String deviceCode = answer.text("device_code");
        String userCode = answer.text("user_code");
        // Microsoft answered "verification_url" before RFC 8628 was final.
        String verification = answer.text("verification_uri").isEmpty() ? answer.text("verification_url") : answer.text("verification_uri");
        if (deviceCode.isEmpty() || userCode.isEmpty() || verification.isEmpty()) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Device authorization at "
                + endpoint.getHost() + " gave no device code, user code or verification URI");
        }
        long expiresIn = answer.body().path("expires_in").asLong(600);
        long interval = Math.max(1, answer.body().path("interval").asLong(5));
        Optional<URI> complete = Optional.of(answer.text("verification_uri_complete")).filter(text -> !text.isEmpty()).map(URI::create);
        return new DeviceAuthorization(deviceCode, userCode, URI.create(verification), complete,
            clock.instant().plusSeconds(expiresIn), Duration.ofSeconds(interval));
    }

    /**
     * Polls the token endpoint until the user approved (the grant), denied or let the code expire
     * ({@link OAuthException.Kind#DENIED}), waiting the interval between polls and 5 s more after each
     * {@code slow_down}.
     */
    public TokenGrant awaitDeviceAuthorization(OAuthProvider provider, DeviceAuthorization device, Sleeper sleeper)
            throws OAuthException {
        Duration interval = device.interval();
        while (true) {
            if (!clock.instant().isBefore(device.expiresAt())) {
                throw new OAuthException(OAuthException.Kind.DENIED, "expired_token",
                    "The device code expired before the user approved access");
            }
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OAuthException(OAuthException.Kind.TEMPORARY, "Waiting for the user was interrupted", e);
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", DEVICE_CODE_GRANT);
            form.put("device_code", device.deviceCode());
            try {
                return tokenRequest(provider, form, "Device token request");
            } catch (OAuthException e) {
                switch (e.errorCode()) {
                    case "authorization_pending" -> { }
                    case "slow_down" -> interval = interval.plus(SLOW_DOWN_STEP);
                    default -> throw e;
                }
            }
        }
    }

    private TokenGrant tokenRequest(OAuthProvider provider, Map<String, String> grantFields, String purpose)
            throws OAuthException {
        checkBeforeSending("tokenEndpoint", provider.tokenEndpoint());
        Map<String, String> form = clientAuthentication(provider);
        form.putAll(grantFields);
        OAuthHttp.Answer answer = http.postForm(provider.tokenEndpoint(), form, purpose);
        if (!answer.isSuccess()) {
            throw failure(answer, purpose);
        }
        String accessToken = answer.text("access_token");
        String tokenType = answer.text("token_type");
        if (accessToken.isEmpty() || !tokenType.toLowerCase(Locale.ROOT).equals("bearer")) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", purpose + " at "
                + provider.tokenEndpoint().getHost() + " gave no bearer access token");
        }
        Instant expiresAt = answer.body().has("expires_in")
            ? clock.instant().plusSeconds(answer.body().path("expires_in").asLong())
            : clock.instant().plus(DEFAULT_LIFETIME);
        Optional<String> refreshToken = Optional.of(answer.text("refresh_token")).filter(token -> !token.isEmpty());
        return new TokenGrant(new AccessToken(accessToken, expiresAt), refreshToken, answer.text("scope"));
    }

    /** The endpoint as it resolves now: an endpoint the policy refuses is the admin's to fix, nothing is sent. */
    private void checkBeforeSending(String field, URI endpoint) throws OAuthException {
        try {
            policy.check(field, endpoint);
        } catch (InvalidFieldException e) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Nothing sent: " + e.getMessage());
        }
    }

    private Map<String, String> clientAuthentication(OAuthProvider provider) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", provider.clientId());
        provider.clientSecret().ifPresent(sealed -> form.put("client_secret", sealer.open(sealed, provider.secretContext())));
        return form;
    }

    private static OAuthException failure(OAuthHttp.Answer answer, String purpose) {
        String error = answer.printable("error");
        OAuthException.Kind kind = switch (error) {
            case "invalid_grant" -> OAuthException.Kind.RECONNECT_NEEDED;
            case "access_denied", "expired_token" -> OAuthException.Kind.DENIED;
            case "temporarily_unavailable", "server_error" -> OAuthException.Kind.TEMPORARY;
            default -> OAuthException.Kind.MISCONFIGURED;
        };
        String what = kind == OAuthException.Kind.RECONNECT_NEEDED
            ? "the account must be connected again: " : "";
        return new OAuthException(kind, error, purpose + " refused, " + what + OAuthHttp.describeError(answer));
    }
}
