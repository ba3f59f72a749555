package io.github.outboundrelay.core.settings;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.oauth.OAuthDiscovery;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthException;
import io.github.outboundrelay.core.oauth.OAuthPresets;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.settings.JsonBodies.WrongType;

/**
 * The body of {@code PUT /outbound-relay/oauth-providers/{id}} (and of the admin area's provider forms, which build the
 * same {@link Body}), validated field by field, as one of:
 * <ul>
 *     <li>a preset: {@code {"preset": "microsoft365", "tenant", "clientId", "clientSecret"}} or
 *     {@code {"preset": "google", "clientId", "clientSecret"}} (endpoints, scopes and relay as documented);</li>
 *     <li>an issuer whose discovery document gives the endpoints: {@code {"issuer", "clientId", "clientSecret",
 *     "scopes", "relay"}};</li>
 *     <li>explicit endpoints: {@code {"authorizationEndpoint", "tokenEndpoint", "deviceAuthorizationEndpoint"?, ...}}.</li>
 * </ul>
 * {@code clientSecret} is write-only: a string is sealed, {@code null} makes a public client, and leaving it out keeps
 * the stored one, as long as the endpoints it is sent to (token, device authorization) stay the same.
 */
public final class OAuthProviderRequest {
    private static final String MICROSOFT_365 = "microsoft365";
    private static final String GOOGLE = "google";

    private final OAuthEndpointPolicy policy;
    private final OAuthDiscovery discovery;
    private final SecretSealer sealer;

    /** How long an issuer's discovery document may take. */
    public static final java.time.Duration DISCOVERY_TIMEOUT = java.time.Duration.ofSeconds(10);

    /**
     * The body as sent; {@code null} is a field left out (or null), except {@code clientSecret}: left out is
     * {@code null} (keep the stored one), {@code null} is empty (a public client).
     */
    public record Body(String preset, String tenant, String issuer, String authorizationEndpoint, String tokenEndpoint,
                       String deviceAuthorizationEndpoint, String clientId,
                       @JsonDeserialize(using = JsonBodies.LeftOutOrNullText.class) Optional<String> clientSecret,
                       @WrongType("must be an array of strings") List<String> scopes,
                       @WrongType("must be an object of strings") Map<String, String> authorizationParameters,
                       @WrongType("is required: {\"host\", \"port\", \"security\"}") RelayFields relay) {
        public Body {
            if (clientId == null) {
                throw new InvalidFieldException("clientId", "is required");
            }
            if (preset != null) {
                notWithPreset(preset, "issuer", issuer);
                notWithPreset(preset, "authorizationEndpoint", authorizationEndpoint);
                notWithPreset(preset, "tokenEndpoint", tokenEndpoint);
                notWithPreset(preset, "deviceAuthorizationEndpoint", deviceAuthorizationEndpoint);
                notWithPreset(preset, "scopes", scopes);
                notWithPreset(preset, "authorizationParameters", authorizationParameters);
                notWithPreset(preset, "relay", relay);
                if (!preset.equals(MICROSOFT_365) && !preset.equals(GOOGLE)) {
                    throw new InvalidFieldException("preset", "must be microsoft365 or google, got '" + preset + "'");
                }
                if (preset.equals(MICROSOFT_365) && tenant == null) {
                    throw new InvalidFieldException("tenant", "is required for microsoft365");
                }
            } else {
                if (issuer != null && (authorizationEndpoint != null || tokenEndpoint != null)) {
                    throw new InvalidFieldException("issuer", "and explicit endpoints exclude each other");
                }
                if (scopes == null) {
                    throw new InvalidFieldException("scopes", "is required: an array of scopes");
                }
                if (scopes.contains(null)) {
                    throw new InvalidFieldException("scopes", "must be an array of strings");
                }
                if (relay == null) {
                    throw new InvalidFieldException("relay", "is required: {\"host\", \"port\", \"security\"}");
                }
            }
            if (clientSecret != null && clientSecret.filter(String::isBlank).isPresent()) {
                throw new InvalidFieldException("clientSecret", "must not be blank (null for a public client)");
            }
            if (authorizationParameters != null && authorizationParameters.containsValue(null)) {
                throw new InvalidFieldException("authorizationParameters", "must be an object of strings");
            }
        }

        /**
         * A preset as the admin area's form gives it.
         *
         * @param newSecret the secret typed, or empty to keep the stored one (the form never shows it)
         */
        public static Body ofPreset(String preset, Optional<String> tenant, String clientId, Optional<String> newSecret) {
            return new Body(preset, tenant.orElse(null), null, null, null, null, clientId,
                newSecret.isPresent() ? newSecret : null, null, null, null);
        }

        private static void notWithPreset(String preset, String field, Object value) {
            if (value != null) {
                throw new InvalidFieldException(field, "is given by the preset '" + preset + "'");
            }
        }

        @Override
        public String toString() {
            return "Body[preset=" + preset + ", issuer=" + issuer + ", clientId=" + clientId + ", clientSecret="
                + (clientSecret == null ? "(unchanged)" : clientSecret.map(secret -> "****").orElse("none")) + "]";
        }
    }

    /** The provider's SMTP relay, {@code {"host", "port", "security"}}. */
    public record RelayFields(String host,
                              @WrongType("must be a whole number between 1 and 65535") Integer port,
                              String security) {
        public RelayFields {
            if (port == null) {
                throw new InvalidFieldException("relay.port", "must be a whole number between 1 and 65535");
            }
        }

        RelayServer server() {
            return new RelayServer(host, port, RelaySecurity.parse("relay.security", security));
        }
    }

    @javax.inject.Inject
    public OAuthProviderRequest(OAuthEndpointPolicy policy, SecretSealer sealer) {
        this(policy, new OAuthDiscovery(policy, DISCOVERY_TIMEOUT), sealer);
    }

    public OAuthProviderRequest(OAuthEndpointPolicy policy, OAuthDiscovery discovery, SecretSealer sealer) {
        this.policy = policy;
        this.discovery = discovery;
        this.sealer = sealer;
    }

    /** The provider a JSON body describes (400 naming the field). */
    public OAuthProvider parse(String id, String body, Optional<OAuthProvider> existing) {
        return parse(id, JsonBodies.read(body, Body.class), existing);
    }

    public OAuthProvider parse(String id, Body body, Optional<OAuthProvider> existing) {
        OAuthProvider provider = body.preset() != null ? fromPreset(id, body) : custom(id, body);
        provider.checkEndpoints(policy);
        return provider.withClientSecret(secret(body, provider, existing));
    }

    private static OAuthProvider fromPreset(String id, Body body) {
        return body.preset().equals(MICROSOFT_365)
            ? OAuthPresets.microsoft365(id, body.tenant(), body.clientId(), Optional.empty())
            : OAuthPresets.google(id, body.clientId(), Optional.empty());
    }

    private OAuthProvider custom(String id, Body body) {
        URI authorization;
        URI token;
        Optional<URI> device;
        if (body.issuer() != null) {
            OAuthDiscovery.Endpoints endpoints = discover(policy.endpoint("issuer", body.issuer()));
            authorization = endpoints.authorizationEndpoint();
            token = endpoints.tokenEndpoint();
            device = endpoints.deviceAuthorizationEndpoint();
        } else {
            authorization = policy.endpoint("authorizationEndpoint", body.authorizationEndpoint());
            token = policy.endpoint("tokenEndpoint", body.tokenEndpoint());
            device = Optional.ofNullable(body.deviceAuthorizationEndpoint())
                .map(value -> policy.endpoint("deviceAuthorizationEndpoint", value));
        }
        return new OAuthProvider(id, authorization, token, device, body.clientId(), Optional.empty(), body.scopes(),
            Optional.ofNullable(body.authorizationParameters()).map(LinkedHashMap::new).orElseGet(LinkedHashMap::new),
            body.relay().server());
    }

    private OAuthDiscovery.Endpoints discover(URI issuer) {
        try {
            return discovery.discover(issuer);
        } catch (OAuthException e) {
            throw new InvalidFieldException("issuer", "could not be used: " + e.getMessage());
        }
    }

    private Optional<SealedSecret> secret(Body body, OAuthProvider provider, Optional<OAuthProvider> existing) {
        if (body.clientSecret() == null) {
            Optional<SealedSecret> kept = existing.flatMap(OAuthProvider::clientSecret);
            if (kept.isPresent() && provider.clientSecretEndpointsMovedFrom(existing.get())) {
                throw new InvalidFieldException("clientSecret", "is required when tokenEndpoint or "
                    + "deviceAuthorizationEndpoint change: the stored secret is only ever sent to the endpoints it was given for");
            }
            return kept;
        }
        return body.clientSecret().map(secret -> sealer.seal(secret, provider.secretContext()));
    }
}
