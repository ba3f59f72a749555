package io.github.outboundrelay.store.jdbc;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.secrets.SealedSecret;

/** OAuth providers ({@code outbound_relay_oauth_provider}), keyed by id; the client secret stored sealed. */
final class OAuthProviderTable extends EntityTable<OAuthProvider> {
    static final String KIND = "oauth_provider";
    private static final Logger LOGGER = LoggerFactory.getLogger(OAuthProviderTable.class);
    private static final String COLUMNS = "provider_id, authorization_endpoint, token_endpoint, device_endpoint, client_id,"
        + " client_secret_key_id, client_secret_sealed, scopes, authorization_parameters, relay_host, relay_port, relay_security";

    OAuthProviderTable() {
        super(KIND, "outbound_relay_oauth_provider", "provider_id", COLUMNS);
    }

    @Override
    protected Optional<OAuthProvider> fromRow(ResultSet rows) throws SQLException {
        String id = rows.getString("provider_id");
        try {
            String secretKeyId = rows.getString("client_secret_key_id");
            Optional<SealedSecret> secret = secretKeyId == null ? Optional.empty()
                : Optional.of(new SealedSecret(secretKeyId, rows.getString("client_secret_sealed")));
            return Optional.of(new OAuthProvider(id, URI.create(rows.getString("authorization_endpoint")),
                URI.create(rows.getString("token_endpoint")), Optional.ofNullable(rows.getString("device_endpoint")).map(URI::create),
                rows.getString("client_id"), secret, List.of(rows.getString("scopes").split(" ")),
                parameters(rows.getString("authorization_parameters")),
                new RelayServer(rows.getString("relay_host"), rows.getInt("relay_port"), RelaySecurity.valueOf(rows.getString("relay_security")))));
        } catch (Exception e) {
            LOGGER.error("outbound-relay store: the stored OAuth provider {} is invalid and is ignored ({})", Printable.of(id),
                e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    void save(Connection connection, OAuthProvider provider, long version) throws SQLException {
        String device = provider.deviceAuthorizationEndpoint().map(URI::toString).orElse(null);
        String keyId = provider.clientSecret().map(SealedSecret::keyId).orElse(null);
        String sealed = provider.clientSecret().map(SealedSecret::sealed).orElse(null);
        RelayServer relay = provider.relay();
        int updated = Sql.update(connection, "UPDATE outbound_relay_oauth_provider SET authorization_endpoint = ?, token_endpoint = ?,"
            + " device_endpoint = ?, client_id = ?, client_secret_key_id = ?, client_secret_sealed = ?, scopes = ?,"
            + " authorization_parameters = ?, relay_host = ?, relay_port = ?, relay_security = ?, changed_version = ?"
            + " WHERE provider_id = ?", provider.authorizationEndpoint().toString(), provider.tokenEndpoint().toString(), device,
            provider.clientId(), keyId, sealed, provider.scope(), parameters(provider.authorizationParameters()), relay.host(),
            relay.port(), relay.security().name(), version, provider.id());
        if (updated == 0) {
            Sql.update(connection, "INSERT INTO outbound_relay_oauth_provider (" + COLUMNS + ", changed_version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", provider.id(), provider.authorizationEndpoint().toString(),
                provider.tokenEndpoint().toString(), device, provider.clientId(), keyId, sealed, provider.scope(),
                parameters(provider.authorizationParameters()), relay.host(), relay.port(), relay.security().name(), version);
        }
    }

    /** @return whether there was such a row */
    boolean delete(Connection connection, String id) throws SQLException {
        return Sql.update(connection, "DELETE FROM outbound_relay_oauth_provider WHERE provider_id = ?", id) > 0;
    }

    private static String parameters(Map<String, String> parameters) {
        return parameters.entrySet().stream()
            .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
            .sorted()
            .collect(Collectors.joining("&"));
    }

    private static Map<String, String> parameters(String stored) {
        Map<String, String> parameters = new LinkedHashMap<>();
        Arrays.stream(stored.split("&")).filter(pair -> !pair.isEmpty()).forEach(pair -> {
            int eq = pair.indexOf('=');
            parameters.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        });
        return parameters;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
