package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelayAccount;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.store.OwnedSendAs;
import io.github.outboundrelay.core.store.SendAsOwnerIndex;

/**
 * Send-as addresses ({@code outbound_relay_send_as}), keyed by {@link io.github.outboundrelay.core.SendAsKey}. The
 * secret (password, or OAuth refresh token with {@code credential_kind} OAUTH, its provider and grant id) is stored
 * sealed: key id and sealed bytes only. An address without relay has every relay column NULL ({@code relay_host}
 * tells).
 */
final class SendAsTable extends EntityTable<SendAsAddress> {
    static final String KIND = "send_as";
    private static final Logger LOGGER = LoggerFactory.getLogger(SendAsTable.class);
    private static final String COLUMNS = "address_key, address, owner_name, relay_host, relay_port, relay_security,"
        + " relay_username, password_key_id, password_sealed, credential_kind, oauth_provider_id, oauth_reconnect_needed,"
        + " display_name, oauth_grant_id";
    private static final String PASSWORD = "PASSWORD";
    private static final String OAUTH = "OAUTH";

    private final SendAsOwnerIndex byOwner = new SendAsOwnerIndex();

    SendAsTable() {
        super(KIND, "outbound_relay_send_as", "address_key", COLUMNS);
    }

    /** From the view, as every read: one probe per mail for the rule (see {@link SendAsOwnerIndex}). */
    List<SendAsAddress> ownedBy(Username owner) {
        return byOwner.ownedBy(owner);
    }

    /** The rule's probe by the authenticated name (see {@link SendAsOwnerIndex#ownedByName}). */
    OwnedSendAs ownedByName(String authenticatedName) {
        return byOwner.ownedByName(authenticatedName);
    }

    @Override
    protected void viewChanged(String key, SendAsAddress previous, SendAsAddress current) {
        byOwner.replaced(key, previous, current);
    }

    @Override
    protected Optional<SendAsAddress> fromRow(ResultSet rows) throws SQLException {
        String key = rows.getString("address_key");
        try {
            return Optional.of(new SendAsAddress(new MailAddress(rows.getString("address")), Username.of(rows.getString("owner_name")),
                relayAccount(rows), Optional.ofNullable(rows.getString("display_name"))));
        } catch (Exception e) {
            // A hand-edited row, or an address an earlier version took (a quoted local part): skip it, loudly, naming
            // its key (escaped: it may hold CR/LF) and the field refused, never its secret. The store still opens.
            String reason = e instanceof InvalidFieldException invalid ? "'" + invalid.getField() + "' refused"
                : e.getClass().getSimpleName();
            LOGGER.error("outbound-relay store: the stored send-as address {} is invalid and is ignored ({}); correct or"
                + " delete its row in outbound_relay_send_as", Printable.of(key), reason);
            return Optional.empty();
        }
    }

    private static Optional<RelayAccount> relayAccount(ResultSet rows) throws SQLException {
        if (rows.getString("relay_host") == null) {
            return Optional.empty();
        }
        return Optional.of(new RelayAccount(
            new RelayServer(rows.getString("relay_host"), rows.getInt("relay_port"), RelaySecurity.valueOf(rows.getString("relay_security"))),
            rows.getString("relay_username"), credential(rows)));
    }

    private static RelayCredential credential(ResultSet rows) throws SQLException {
        SealedSecret secret = new SealedSecret(rows.getString("password_key_id"), rows.getString("password_sealed"));
        String kind = rows.getString("credential_kind");
        return switch (kind) {
            case PASSWORD -> new RelayCredential.Password(secret);
            case OAUTH -> new RelayCredential.OAuth(rows.getString("oauth_provider_id"), secret,
                rows.getBoolean("oauth_reconnect_needed"), rows.getString("oauth_grant_id"));
            default -> throw new IllegalStateException("unknown credential kind " + kind);
        };
    }

    /** The relay columns, in {@link #COLUMNS} order from {@code relay_host} to {@code oauth_reconnect_needed}: all NULL without relay. */
    private static Object[] relayColumns(SendAsAddress sendAs) {
        if (sendAs.relayAccount().isEmpty()) {
            return new Object[] {null, null, null, null, null, null, null, null, false};
        }
        RelayAccount account = sendAs.relayAccount().get();
        RelayCredential credential = account.credential();
        return new Object[] {account.server().host(), account.server().port(), account.server().security().name(),
            account.username(), credential.secret().keyId(), credential.secret().sealed(),
            credential instanceof RelayCredential.OAuth ? OAUTH : PASSWORD,
            credential instanceof RelayCredential.OAuth oauth ? oauth.providerId() : null,
            credential instanceof RelayCredential.OAuth oauth && oauth.reconnectNeeded()};
    }

    private static Object[] row(Object[] before, SendAsAddress sendAs, Object... after) {
        Object[] relay = relayColumns(sendAs);
        Object[] all = new Object[before.length + relay.length + after.length];
        System.arraycopy(before, 0, all, 0, before.length);
        System.arraycopy(relay, 0, all, before.length, relay.length);
        System.arraycopy(after, 0, all, before.length + relay.length, after.length);
        return all;
    }

    private static String grantIdOf(SendAsAddress sendAs) {
        return sendAs.oauthCredential().map(RelayCredential.OAuth::grantId).orElse(null);
    }

    /** The owner in the database (not the view): what ownership checks of a write must use. */
    Optional<Username> ownerOf(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT owner_name FROM outbound_relay_send_as WHERE address_key = ?")) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(Username.of(rows.getString(1))) : Optional.empty();
            }
        }
    }

    void insert(Connection connection, SendAsAddress sendAs, long version) throws SQLException {
        Sql.update(connection, "INSERT INTO outbound_relay_send_as (" + COLUMNS + ", changed_version)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row(new Object[] {sendAs.key(), sendAs.address().asString(),
                sendAs.owner().asString()}, sendAs, sendAs.displayName().orElse(null), grantIdOf(sendAs), version));
    }

    void update(Connection connection, SendAsAddress sendAs, long version) throws SQLException {
        Sql.update(connection, "UPDATE outbound_relay_send_as SET address = ?, owner_name = ?, relay_host = ?, relay_port = ?,"
            + " relay_security = ?, relay_username = ?, password_key_id = ?, password_sealed = ?, credential_kind = ?,"
            + " oauth_provider_id = ?, oauth_reconnect_needed = ?, display_name = ?, oauth_grant_id = ?, changed_version = ?"
            + " WHERE address_key = ?",
            row(new Object[] {sendAs.address().asString(), sendAs.owner().asString()}, sendAs,
                sendAs.displayName().orElse(null), grantIdOf(sendAs), version, sendAs.key()));
    }

    void delete(Connection connection, String key) throws SQLException {
        Sql.update(connection, "DELETE FROM outbound_relay_send_as WHERE address_key = ?", key);
    }
}
