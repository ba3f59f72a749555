package io.github.outboundrelay.core.oauth;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.secrets.SealedSecret;

/**
 * An OAuth 2.0 provider set by the admin (Microsoft 365, Google, or any other): where users grant access, where
 * tokens are obtained, the client registered there, the scopes that allow SMTP submission, and the SMTP relay those
 * tokens are good for. The client secret is sealed (context {@link #secretContext()}); public clients have none.
 *
 * <p>Endpoints are checked against an {@link OAuthEndpointPolicy} by whoever accepts them (the admin API) and again
 * by {@link OAuthTokenClient} before anything is sent.</p>
 *
 * @param authorizationParameters extra query parameters of the authorization request, e.g. Google's
 *                                {@code access_type=offline} without which no refresh token is issued; never one the
 *                                request sets itself ({@link #RESERVED_AUTHORIZATION_PARAMETERS})
 */
public record OAuthProvider(String id, URI authorizationEndpoint, URI tokenEndpoint,
                            Optional<URI> deviceAuthorizationEndpoint, String clientId,
                            Optional<SealedSecret> clientSecret, List<String> scopes,
                            Map<String, String> authorizationParameters, RelayServer relay) {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+"); // RFC 6749 scope-token
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /**
     * What the authorization request sets itself and an admin's parameter must not replace: where the code goes, the
     * state and PKCE that bind it to the user's flow, which client asks and for what; {@code request} and
     * {@code request_uri} (RFC 9101) would carry all of them at once.
     */
    public static final Set<String> RESERVED_AUTHORIZATION_PARAMETERS = Set.of("response_type", "client_id", "redirect_uri",
        "scope", "state", "code_challenge", "code_challenge_method", "request", "request_uri");

    public OAuthProvider {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidFieldException("id", "must be 1 to 63 lower-case letters, digits or '-', got '" + id + "'");
        }
        required("authorizationEndpoint", authorizationEndpoint);
        required("tokenEndpoint", tokenEndpoint);
        deviceAuthorizationEndpoint = Objects.requireNonNullElse(deviceAuthorizationEndpoint, Optional.empty());
        if (clientId == null || clientId.isBlank() || clientId.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidFieldException("clientId", "is required and must not contain control characters");
        }
        clientSecret = Objects.requireNonNullElse(clientSecret, Optional.empty());
        if (scopes == null || scopes.isEmpty()) {
            throw new InvalidFieldException("scopes", "needs at least one scope");
        }
        for (String scope : scopes) {
            if (scope == null || !SCOPE.matcher(scope).matches()) {
                throw new InvalidFieldException("scopes", "holds an invalid scope '" + scope + "'");
            }
        }
        scopes = List.copyOf(scopes);
        authorizationParameters = Map.copyOf(Objects.requireNonNullElse(authorizationParameters, Map.of()));
        authorizationParameters.keySet().forEach(OAuthProvider::requireAdmissibleParameter);
        if (relay == null) {
            throw new InvalidFieldException("relay", "is required");
        }
    }

    /** Every endpoint, to check against a policy. */
    public void checkEndpoints(OAuthEndpointPolicy policy) {
        policy.check("authorizationEndpoint", authorizationEndpoint);
        policy.check("tokenEndpoint", tokenEndpoint);
        deviceAuthorizationEndpoint.ifPresent(uri -> policy.check("deviceAuthorizationEndpoint", uri));
    }

    /** Whether {@code before}'s refresh tokens would now go to another token endpoint than the one that issued them. */
    public boolean tokenEndpointMovedFrom(OAuthProvider before) {
        return !tokenEndpoint.equals(before.tokenEndpoint());
    }

    /** Whether the client secret would now go elsewhere than with {@code before}: the token and device endpoints get it. */
    public boolean clientSecretEndpointsMovedFrom(OAuthProvider before) {
        return tokenEndpointMovedFrom(before) || !deviceAuthorizationEndpoint.equals(before.deviceAuthorizationEndpoint());
    }

    /** The scopes as one space-separated parameter. */
    public String scope() {
        return String.join(" ", scopes);
    }

    /** What the client secret is sealed against, so that it opens for this provider only. */
    public String secretContext() {
        return secretContext(id);
    }

    public static String secretContext(String providerId) {
        return "oauth-provider:" + providerId;
    }

    public OAuthProvider withClientSecret(Optional<SealedSecret> secret) {
        return new OAuthProvider(id, authorizationEndpoint, tokenEndpoint, deviceAuthorizationEndpoint, clientId, secret,
            scopes, authorizationParameters, relay);
    }

    private static void requireAdmissibleParameter(String name) {
        if (!PARAMETER_NAME.matcher(name).matches()) {
            throw new InvalidFieldException("authorizationParameters", "holds a parameter name that is not 1 to 64 letters, "
                + "digits, '_', '.' or '-'");
        }
        if (RESERVED_AUTHORIZATION_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new InvalidFieldException("authorizationParameters", "cannot set '" + name + "': the authorization "
                + "request sets it itself");
        }
    }

    private static void required(String field, URI uri) {
        if (uri == null) {
            throw new InvalidFieldException(field, "is required");
        }
    }

    @Override
    public String toString() {
        return "OAuthProvider[" + id + ", token endpoint " + tokenEndpoint + ", client " + clientId + ", secret "
            + (clientSecret.isPresent() ? "set" : "none") + ", relay " + relay + "]";
    }
}
