package io.github.outboundrelay.core.settings;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SealedSecret;
import io.github.outboundrelay.core.SecretSealer;
import io.github.outboundrelay.core.oauth.OAuthDiscovery;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthException;
import io.github.outboundrelay.core.oauth.OAuthPresets;
import io.github.outboundrelay.core.oauth.OAuthProvider;

/**
 * The body of {@code PUT /outbound-relay/oauth-providers/{id}} (and of the admin area's provider forms, which build the
 * same document), validated field by field, as one of:
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
    private static final Set<String> FIELDS = Set.of("preset", "tenant", "issuer", "authorizationEndpoint", "tokenEndpoint",
        "deviceAuthorizationEndpoint", "clientId", "clientSecret", "scopes", "authorizationParameters", "relay");
    private static final Set<String> RELAY_FIELDS = Set.of("host", "port", "security");

    private final OAuthEndpointPolicy policy;
    private final OAuthDiscovery discovery;
    private final SecretSealer sealer;

    /** How long an issuer's discovery document may take. */
    public static final java.time.Duration DISCOVERY_TIMEOUT = java.time.Duration.ofSeconds(10);

    @javax.inject.Inject
    public OAuthProviderRequest(OAuthEndpointPolicy policy, SecretSealer sealer) {
        this(policy, new OAuthDiscovery(policy, DISCOVERY_TIMEOUT), sealer);
    }

    public OAuthProviderRequest(OAuthEndpointPolicy policy, OAuthDiscovery discovery, SecretSealer sealer) {
        this.policy = policy;
        this.discovery = discovery;
        this.sealer = sealer;
    }

    public OAuthProvider parse(String id, JsonNode body, Optional<OAuthProvider> existing) {
        knownFields(body, FIELDS, "");
        String clientId = SettingsJson.optionalText(body, "clientId").orElseThrow(() -> new InvalidFieldException("clientId", "is required"));
        Optional<String> preset = SettingsJson.optionalText(body, "preset");
        OAuthProvider provider = preset.isPresent() ? fromPreset(id, preset.get(), body, clientId) : custom(id, body, clientId);
        provider.checkEndpoints(policy);
        return provider.withClientSecret(secret(body, provider, existing));
    }

    private OAuthProvider fromPreset(String id, String preset, JsonNode body, String clientId) {
        for (String field : List.of("issuer", "authorizationEndpoint", "tokenEndpoint", "deviceAuthorizationEndpoint", "scopes",
            "authorizationParameters", "relay")) {
            if (body.has(field)) {
                throw new InvalidFieldException(field, "is given by the preset '" + preset + "'");
            }
        }
        return switch (preset) {
            case "microsoft365" -> OAuthPresets.microsoft365(id, SettingsJson.optionalText(body, "tenant")
                .orElseThrow(() -> new InvalidFieldException("tenant", "is required for microsoft365")), clientId, Optional.empty());
            case "google" -> OAuthPresets.google(id, clientId, Optional.empty());
            default -> throw new InvalidFieldException("preset", "must be microsoft365 or google, got '" + preset + "'");
        };
    }

    private OAuthProvider custom(String id, JsonNode body, String clientId) {
        URI authorization;
        URI token;
        Optional<URI> device;
        Optional<String> issuer = SettingsJson.optionalText(body, "issuer");
        if (issuer.isPresent()) {
            if (body.has("authorizationEndpoint") || body.has("tokenEndpoint")) {
                throw new InvalidFieldException("issuer", "and explicit endpoints exclude each other");
            }
            OAuthDiscovery.Endpoints endpoints = discover(policy.endpoint("issuer", issuer.get()));
            authorization = endpoints.authorizationEndpoint();
            token = endpoints.tokenEndpoint();
            device = endpoints.deviceAuthorizationEndpoint();
        } else {
            authorization = policy.endpoint("authorizationEndpoint", SettingsJson.optionalText(body, "authorizationEndpoint").orElse(null));
            token = policy.endpoint("tokenEndpoint", SettingsJson.optionalText(body, "tokenEndpoint").orElse(null));
            device = SettingsJson.optionalText(body, "deviceAuthorizationEndpoint").map(value -> policy.endpoint("deviceAuthorizationEndpoint", value));
        }
        return new OAuthProvider(id, authorization, token, device, clientId, Optional.empty(), scopes(body),
            parameters(body), relay(body));
    }

    private OAuthDiscovery.Endpoints discover(URI issuer) {
        try {
            return discovery.discover(issuer);
        } catch (OAuthException e) {
            throw new InvalidFieldException("issuer", "could not be used: " + e.getMessage());
        }
    }

    private Optional<SealedSecret> secret(JsonNode body, OAuthProvider provider, Optional<OAuthProvider> existing) {
        if (!body.has("clientSecret")) {
            Optional<SealedSecret> kept = existing.flatMap(OAuthProvider::clientSecret);
            if (kept.isPresent() && provider.clientSecretEndpointsMovedFrom(existing.get())) {
                throw new InvalidFieldException("clientSecret", "is required when tokenEndpoint or "
                    + "deviceAuthorizationEndpoint change: the stored secret is only ever sent to the endpoints it was given for");
            }
            return kept;
        }
        Optional<String> clear = SettingsJson.optionalText(body, "clientSecret");
        if (clear.isPresent() && clear.get().isBlank()) {
            throw new InvalidFieldException("clientSecret", "must not be blank (null for a public client)");
        }
        return clear.map(secret -> sealer.seal(secret, provider.secretContext()));
    }

    private static List<String> scopes(JsonNode body) {
        JsonNode scopes = body.get("scopes");
        if (scopes == null || !scopes.isArray()) {
            throw new InvalidFieldException("scopes", "is required: an array of scopes");
        }
        List<String> values = new ArrayList<>();
        scopes.forEach(scope -> {
            if (!scope.isTextual()) {
                throw new InvalidFieldException("scopes", "must hold strings only");
            }
            values.add(scope.textValue());
        });
        return values;
    }

    private static Map<String, String> parameters(JsonNode body) {
        JsonNode parameters = body.get("authorizationParameters");
        Map<String, String> values = new LinkedHashMap<>();
        if (parameters == null || parameters.isNull()) {
            return values;
        }
        if (!parameters.isObject()) {
            throw new InvalidFieldException("authorizationParameters", "must be an object of strings");
        }
        parameters.fields().forEachRemaining(entry -> values.put(entry.getKey(), SettingsJson.optionalText(parameters, entry.getKey())
            .orElseThrow(() -> new InvalidFieldException("authorizationParameters", "must be an object of strings"))));
        return values;
    }

    private static RelayServer relay(JsonNode body) {
        JsonNode relay = body.get("relay");
        if (relay == null || !relay.isObject()) {
            throw new InvalidFieldException("relay", "is required: {\"host\", \"port\", \"security\"}");
        }
        knownFields(relay, RELAY_FIELDS, "relay.");
        JsonNode port = relay.get("port");
        if (port == null || !port.isIntegralNumber() || !port.canConvertToInt()) {
            throw new InvalidFieldException("relay.port", "must be a whole number between 1 and 65535");
        }
        return new RelayServer(SettingsJson.optionalText(relay, "host").orElse(null), port.intValue(),
            RelaySecurity.parse("relay.security", SettingsJson.optionalText(relay, "security").orElse(null)));
    }

    private static void knownFields(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidFieldException(prefix + name, "is not a known field");
            }
        }
    }
}
