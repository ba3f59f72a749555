package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.verification.SendAsStatus;
import io.github.outboundrelay.core.verification.Verification;

/**
 * Verification states of send-as addresses ({@code outbound_relay_send_as_verification}), keyed by
 * {@link io.github.outboundrelay.core.SendAsKey}. Instants are ISO-8601 UTC text ({@link Instant#toString()}), so they
 * come back to the nanosecond on H2 and PostgreSQL alike; {@code codes_sent_at} lists them comma-separated, in order.
 */
final class VerificationTable extends EntityTable<Verification> {
    static final String KIND = "verification";
    private static final Logger LOGGER = LoggerFactory.getLogger(VerificationTable.class);
    private static final String COLUMNS = "address_key, status, relay_identity, code_salt, code_hash, code_expires_at,"
        + " failed_attempts, codes_sent_at";

    VerificationTable() {
        super(KIND, "outbound_relay_send_as_verification", "address_key", COLUMNS);
    }

    @Override
    protected Optional<Verification> fromRow(ResultSet rows) throws SQLException {
        String key = rows.getString("address_key");
        try {
            String salt = rows.getString("code_salt");
            Optional<Verification.HashedCode> code = salt == null
                ? Optional.empty()
                : Optional.of(new Verification.HashedCode(salt, rows.getString("code_hash"), Instant.parse(rows.getString("code_expires_at"))));
            return Optional.of(new Verification(SendAsStatus.valueOf(rows.getString("status")), rows.getString("relay_identity"),
                code, rows.getInt("failed_attempts"), parseInstants(rows.getString("codes_sent_at"))));
        } catch (RuntimeException e) {
            // Only written by this store, so only a hand-edited row gets here. Ignored means pending: never relays.
            LOGGER.error("outbound-relay store: the stored verification of {} is invalid and is ignored ({})", Printable.of(key),
                e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** Inserts or replaces the state of an address. */
    void save(Connection connection, String key, Verification verification, long version) throws SQLException {
        Optional<Verification.HashedCode> code = verification.code();
        Object[] values = {verification.status().name(), verification.relayIdentity(),
            code.map(Verification.HashedCode::salt).orElse(null), code.map(Verification.HashedCode::hash).orElse(null),
            code.map(hashed -> hashed.expiresAt().toString()).orElse(null), verification.failedAttempts(),
            formatInstants(verification.codesSentAt()), version, key};
        int updated = Sql.update(connection, "UPDATE outbound_relay_send_as_verification SET status = ?, relay_identity = ?,"
            + " code_salt = ?, code_hash = ?, code_expires_at = ?, failed_attempts = ?, codes_sent_at = ?, changed_version = ?"
            + " WHERE address_key = ?", values);
        if (updated == 0) {
            Sql.update(connection, "INSERT INTO outbound_relay_send_as_verification (status, relay_identity, code_salt, code_hash,"
                + " code_expires_at, failed_attempts, codes_sent_at, changed_version, address_key)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values);
        }
    }

    /** @return whether there was a state to delete */
    boolean delete(Connection connection, String key) throws SQLException {
        return Sql.update(connection, "DELETE FROM outbound_relay_send_as_verification WHERE address_key = ?", key) > 0;
    }

    static String formatInstants(List<Instant> instants) {
        return instants.stream().map(Instant::toString).collect(Collectors.joining(","));
    }

    static List<Instant> parseInstants(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(Instant::parse).toList();
    }
}
