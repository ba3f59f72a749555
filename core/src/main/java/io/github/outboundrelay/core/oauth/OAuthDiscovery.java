package io.github.outboundrelay.core.oauth;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The endpoints of an issuer from its discovery document: OpenID Connect's
 * {@code /.well-known/openid-configuration} (Microsoft and Google publish it), else RFC 8414's
 * {@code /.well-known/oauth-authorization-server}. The document must name the very issuer asked for (RFC 8414
 * section 3.3) and every endpoint in it must pass the {@link OAuthEndpointPolicy}.
 */
public class OAuthDiscovery {
    public record Endpoints(URI authorizationEndpoint, URI tokenEndpoint, Optional<URI> deviceAuthorizationEndpoint) {
    }

    private final OAuthHttp http;
    private final OAuthEndpointPolicy policy;

    public OAuthDiscovery(OAuthEndpointPolicy policy, Duration timeout) {
        this.http = new OAuthHttp(timeout);
        this.policy = policy;
    }

    public Endpoints discover(URI issuer) throws OAuthException {
        policy.check("issuer", issuer);
        String base = issuer.toString().endsWith("/") ? issuer.toString().substring(0, issuer.toString().length() - 1) : issuer.toString();
        OAuthHttp.Answer answer = http.getJson(URI.create(base + "/.well-known/openid-configuration"), "Discovery");
        if (!answer.isSuccess() || answer.text("issuer").isEmpty()) {
            URI origin = issuer.resolve("/");
            String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
            answer = http.getJson(URI.create(origin + ".well-known/oauth-authorization-server" + path), "Discovery");
        }
        if (!answer.isSuccess()) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Issuer " + issuer + " has no discovery document");
        }
        if (!answer.text("issuer").equals(base) && !answer.text("issuer").equals(issuer.toString())) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Discovery document of " + issuer
                + " names another issuer: " + answer.printable("issuer"));
        }
        URI authorization = endpoint(answer, "authorization_endpoint", issuer);
        URI token = endpoint(answer, "token_endpoint", issuer);
        Optional<URI> device = Optional.of(answer.text("device_authorization_endpoint")).filter(text -> !text.isEmpty())
            .map(text -> checked("device_authorization_endpoint", URI.create(text)));
        return new Endpoints(authorization, token, device);
    }

    private URI endpoint(OAuthHttp.Answer answer, String field, URI issuer) throws OAuthException {
        String value = answer.text(field);
        if (value.isEmpty()) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Discovery document of " + issuer + " has no " + field);
        }
        return checked(field, URI.create(value));
    }

    private URI checked(String field, URI uri) {
        policy.check(field, uri);
        return uri;
    }
}
