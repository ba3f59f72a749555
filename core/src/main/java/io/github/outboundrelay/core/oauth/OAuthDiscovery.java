package io.github.outboundrelay.core.oauth;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;

import io.github.outboundrelay.core.Printable;

import net.minidev.json.JSONObject;

/**
 * The endpoints of an issuer from its discovery document, read by the Nimbus SDK's {@link AuthorizationServerMetadata}:
 * OpenID Connect's {@code /.well-known/openid-configuration} (Microsoft and Google publish it), else RFC 8414's
 * {@code /.well-known/oauth-authorization-server}. The document must name the very issuer asked for (RFC 8414
 * section 3.3) and every endpoint in it must pass the {@link OAuthEndpointPolicy}.
 */
public class OAuthDiscovery {
    public record Endpoints(URI authorizationEndpoint, URI tokenEndpoint, Optional<URI> deviceAuthorizationEndpoint) {
    }

    private final OAuthHttp http;
    private final OAuthEndpointPolicy policy;

    public OAuthDiscovery(OAuthEndpointPolicy policy, Duration timeout) {
        this.http = new OAuthHttp(policy, timeout);
        this.policy = policy;
    }

    public Endpoints discover(URI issuer) throws OAuthException {
        policy.check("issuer", issuer);
        String base = issuer.toString().endsWith("/") ? issuer.toString().substring(0, issuer.toString().length() - 1) : issuer.toString();
        Optional<JSONObject> document = document(URI.create(base + "/.well-known/openid-configuration"))
            .filter(json -> !issuerOf(json).isEmpty());
        if (document.isEmpty()) {
            // RFC 8414 section 3.1: the well-known part goes between the host and the issuer's path.
            URI origin = issuer.resolve("/");
            String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
            document = document(URI.create(origin + ".well-known/oauth-authorization-server" + path));
        }
        JSONObject json = document.orElseThrow(() -> new OAuthException(OAuthException.Kind.MISCONFIGURED, "",
            "Issuer " + issuer + " has no discovery document"));
        String named = issuerOf(json);
        if (!named.equals(base) && !named.equals(issuer.toString())) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Discovery document of " + issuer
                + " names another issuer: " + Printable.of(named));
        }
        AuthorizationServerMetadata metadata;
        try {
            metadata = AuthorizationServerMetadata.parse(json);
        } catch (ParseException e) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Discovery document of " + issuer
                + " is not valid: " + Printable.of(e.getMessage()));
        }
        URI authorization = required(metadata.getAuthorizationEndpointURI(), "authorization_endpoint", issuer);
        URI token = required(metadata.getTokenEndpointURI(), "token_endpoint", issuer);
        Optional<URI> device = Optional.ofNullable(metadata.getDeviceAuthorizationEndpointURI())
            .map(uri -> checked("device_authorization_endpoint", uri));
        return new Endpoints(authorization, token, device);
    }

    /** The JSON document at {@code location}, when it answers one. */
    private Optional<JSONObject> document(URI location) throws OAuthException {
        HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, location);
        HTTPResponse answer = http.send(request, "issuer", "Discovery");
        if (!answer.indicatesSuccess()) {
            return Optional.empty();
        }
        try {
            return Optional.of(answer.getBodyAsJSONObject());
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private static String issuerOf(JSONObject document) {
        return document.get("issuer") instanceof String issuer ? issuer : "";
    }

    private URI required(URI endpoint, String field, URI issuer) throws OAuthException {
        if (endpoint == null) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Discovery document of " + issuer + " has no " + field);
        }
        return checked(field, endpoint);
    }

    private URI checked(String field, URI uri) {
        policy.check(field, uri);
        return uri;
    }
}
