package io.github.outboundrelay.core.oauth;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCode;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.secrets.SecretSealer;

import net.minidev.json.JSONObject;

/**
 * The client side of OAuth 2.0 for partner accounts, with the Nimbus OAuth SDK building the requests and reading the
 * answers: the authorization request of the code flow (PKCE S256 and {@code state}), the code exchange, refreshes, and
 * the device authorization grant (RFC 8628) for an admin without a browser at hand. The client authenticates with
 * {@code client_secret_post} when the provider has a secret (opened only for the request), as a public client
 * otherwise. The requests go through our own guarded HTTP client ({@link OAuthHttp}).
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
    /** Used when a device authorization answer has no {@code expires_in} (RFC 8628 requires it, not every server). */
    static final long DEFAULT_DEVICE_CODE_LIFETIME_SECONDS = 600;

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
        this.http = new OAuthHttp(policy, timeout);
        this.sealer = sealer;
        this.policy = policy;
        this.clock = clock;
    }

    /** Where to send the user's browser: code flow with PKCE S256, the state and the provider's scopes. */
    public URI authorizationRequest(OAuthProvider provider, URI redirectUri, OAuthState state, Pkce pkce,
                                    Optional<String> loginHint) {
        policy.check("authorizationEndpoint", provider.authorizationEndpoint());
        AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(
                new ResponseType(ResponseType.Value.CODE), new ClientID(provider.clientId()))
            .endpointURI(provider.authorizationEndpoint())
            .redirectionURI(redirectUri)
            .scope(scope(provider))
            .state(new State(state.value()))
            .codeChallenge(pkce.codeVerifier(), CodeChallengeMethod.S256);
        loginHint.ifPresent(hint -> request.customParameter("login_hint", hint));
        provider.authorizationParameters().forEach(request::customParameter);
        return request.build().toURI();
    }

    /** The callback's code for tokens; the verifier proves this client started the flow. */
    public TokenGrant exchangeCode(OAuthProvider provider, String code, URI redirectUri, Pkce pkce) throws OAuthException {
        return tokenRequest(provider, new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, pkce.codeVerifier()),
            Optional.empty(), "Code exchange");
    }

    /**
     * A new access token for a connected account. When the provider rotates refresh tokens the answer holds the new
     * one; when it does not, the answer holds the one given here, so the caller always keeps
     * {@code grant.refreshToken()}.
     */
    public TokenGrant refresh(OAuthProvider provider, String refreshToken) throws OAuthException {
        TokenGrant grant = tokenRequest(provider, new RefreshTokenGrant(new RefreshToken(refreshToken)),
            Optional.of(scope(provider)), "Token refresh");
        return grant.refreshToken().isPresent() ? grant
            : new TokenGrant(grant.accessToken(), Optional.of(refreshToken), grant.scope());
    }

    /** RFC 8628 section 3.1: a device code and the user code to enter at the verification URI. */
    public DeviceAuthorization startDeviceAuthorization(OAuthProvider provider) throws OAuthException {
        URI endpoint = provider.deviceAuthorizationEndpoint().orElseThrow(() -> new OAuthException(
            OAuthException.Kind.MISCONFIGURED, "", "Provider " + provider.id() + " has no device authorization endpoint"));
        DeviceAuthorizationRequest.Builder request = provider.clientSecret().isPresent()
            ? new DeviceAuthorizationRequest.Builder(clientSecretPost(provider))
            : new DeviceAuthorizationRequest.Builder(new ClientID(provider.clientId()));
        HTTPRequest sent = request.endpointURI(endpoint).scope(scope(provider)).build().toHTTPRequest();
        HTTPResponse answer = http.send(sent, "deviceAuthorizationEndpoint", "Device authorization");
        if (!answer.indicatesSuccess()) {
            throw failure(ErrorObject.parse(answer), answer, "Device authorization");
        }
        DeviceAuthorizationSuccessResponse device;
        try {
            device = DeviceAuthorizationSuccessResponse.parse(withDeviceDefaults(answer.getBodyAsJSONObject()));
        } catch (ParseException e) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Device authorization at "
                + endpoint.getHost() + " gave no device code, user code or verification URI");
        }
        return new DeviceAuthorization(device.getDeviceCode().getValue(), device.getUserCode().getValue(),
            device.getVerificationURI(), Optional.ofNullable(device.getVerificationURIComplete()),
            clock.instant().plusSeconds(device.getLifetime()), Duration.ofSeconds(Math.max(1, device.getInterval())));
    }

    /**
     * What servers answer beside RFC 8628: Google (and Microsoft before the RFC was final) name the verification URI
     * {@code verification_url}, and a missing {@code expires_in} is read as 10 minutes.
     */
    private static JSONObject withDeviceDefaults(JSONObject answer) {
        if (!answer.containsKey("verification_uri") && answer.get("verification_url") != null) {
            answer.put("verification_uri", answer.get("verification_url"));
        }
        answer.putIfAbsent("expires_in", DEFAULT_DEVICE_CODE_LIFETIME_SECONDS);
        return answer;
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
            try {
                return tokenRequest(provider, new DeviceCodeGrant(new DeviceCode(device.deviceCode())), Optional.empty(),
                    "Device token request");
            } catch (OAuthException e) {
                switch (e.errorCode()) {
                    case "authorization_pending" -> { }
                    case "slow_down" -> interval = interval.plus(SLOW_DOWN_STEP);
                    default -> throw e;
                }
            }
        }
    }

    private TokenGrant tokenRequest(OAuthProvider provider, AuthorizationGrant grant, Optional<Scope> scope,
                                    String purpose) throws OAuthException {
        TokenRequest.Builder request = provider.clientSecret().isPresent()
            ? new TokenRequest.Builder(provider.tokenEndpoint(), clientSecretPost(provider), grant)
            : new TokenRequest.Builder(provider.tokenEndpoint(), new ClientID(provider.clientId()), grant);
        scope.ifPresent(request::scope);
        HTTPResponse answer = http.send(request.build().toHTTPRequest(), "tokenEndpoint", purpose);
        TokenResponse response;
        try {
            response = TokenResponse.parse(answer);
        } catch (ParseException e) {
            // Not JSON, no access token, or a token type other than Bearer: nothing we could use.
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", purpose + " at "
                + provider.tokenEndpoint().getHost() + " gave no bearer access token");
        }
        if (response instanceof TokenErrorResponse error) {
            throw failure(error.getErrorObject(), answer, purpose);
        }
        Tokens tokens = response.toSuccessResponse().getTokens();
        if (!(tokens.getAccessToken() instanceof BearerAccessToken accessToken)) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", purpose + " at "
                + provider.tokenEndpoint().getHost() + " gave no bearer access token");
        }
        // The SDK reads a missing expires_in as 0.
        Instant expiresAt = accessToken.getLifetime() > 0 ? clock.instant().plusSeconds(accessToken.getLifetime())
            : clock.instant().plus(DEFAULT_LIFETIME);
        Optional<String> refreshToken = Optional.ofNullable(tokens.getRefreshToken()).map(RefreshToken::getValue);
        String grantedScope = accessToken.getScope() == null ? "" : accessToken.getScope().toString();
        return new TokenGrant(new AccessToken(accessToken.getValue(), expiresAt), refreshToken, grantedScope);
    }

    private static Scope scope(OAuthProvider provider) {
        return new Scope(provider.scopes().toArray(String[]::new));
    }

    /** The client secret, opened for this one request. */
    private ClientSecretPost clientSecretPost(OAuthProvider provider) {
        String secret = sealer.open(provider.clientSecret().orElseThrow(), provider.secretContext());
        return new ClientSecretPost(new ClientID(provider.clientId()), new Secret(secret));
    }

    private static OAuthException failure(ErrorObject error, HTTPResponse answer, String purpose) {
        String code = error.getCode() == null ? "" : Printable.of(error.getCode());
        OAuthException.Kind kind = switch (code) {
            case "invalid_grant" -> OAuthException.Kind.RECONNECT_NEEDED;
            case "access_denied", "expired_token" -> OAuthException.Kind.DENIED;
            case "temporarily_unavailable", "server_error" -> OAuthException.Kind.TEMPORARY;
            default -> OAuthException.Kind.MISCONFIGURED;
        };
        String what = kind == OAuthException.Kind.RECONNECT_NEEDED
            ? "the account must be connected again: " : "";
        return new OAuthException(kind, code, purpose + " refused, " + what
            + OAuthHttp.describeError(error, answer.getStatusCode()));
    }
}
