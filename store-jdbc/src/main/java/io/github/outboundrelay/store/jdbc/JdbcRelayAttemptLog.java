package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.mail.internet.AddressException;
import javax.sql.DataSource;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * The audit trail of relay attempts in the store's database ({@code outbound_relay_attempt}, schema V3): durable, and
 * shared by every James node on the same PostgreSQL. Unlike the rest of the store it has no in-memory view: attempts
 * are written often (one row per delivery attempt) and read rarely (admin calls, the health check), so
 * <ul>
 *     <li>{@link #record} only queues the attempt for a {@link RelayAttemptWriter}, which writes many rows per
 *     transaction on a thread of its own. <b>It never throws nor waits</b>: when the database cannot be reached or
 *     refuses a row, the attempt is <b>dropped from the audit trail</b> (the mail itself is unaffected), with one WARN
 *     per episode (the SQLState and the exception class only: never a value of the attempt nor the database's message,
 *     which may quote them) and an INFO with the number dropped once writing works again. After a connection failure,
 *     attempts of the next {@code pauseAfterFailure} (10 s) are dropped at once instead of each waiting the connection
 *     timeout, so an outage does not slow delivery down.</li>
 *     <li>{@link #find} and {@link #latestFor} are SQL queries on the indexes of V3, run once the attempts this node
 *     recorded before them are written (waiting at most {@link #READ_YOUR_WRITES_WAIT}); they throw
 *     {@link StoreUnavailableException} (503 in the admin API) when the database cannot be reached.</li>
 *     <li><b>Precision</b>: instants are kept to the millisecond (truncated), enough for an audit trail; {@code since}
 *     is compared to the millisecond too (an attempt in the same millisecond as {@code since} is included).</li>
 *     <li><b>Order</b>: oldest first by that instant, then by insertion order (the identity column {@code id}).</li>
 *     <li><b>Retention</b>: rows older than {@code audit.retention} (90 days by default) are deleted every hour by
 *     {@link AuditRetention}, with the configuration events.</li>
 * </ul>
 */
public final class JdbcRelayAttemptLog implements RelayAttemptLog, AuditRetention.ExpiringRows, AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcRelayAttemptLog.class);

    static final Duration PAUSE_AFTER_CONNECTION_FAILURE = Duration.ofSeconds(10);
    static final Duration READ_YOUR_WRITES_WAIT = Duration.ofSeconds(5);

    private static final String COLUMNS = "attempted_at_ms, user_name, send_as, relay_host, relay_port, message_id,"
        + " recipient_count, outcome, partially_delivered, reply_code, credential_kind";
    private static final AuditPage PAGE = new AuditPage("outbound_relay_attempt", COLUMNS, "attempted_at_ms", "send_as_key");
    private static final String LEGACY_PARTIALLY_DELIVERED = "PARTIALLY_DELIVERED";
    private static final Set<String> LEGACY_REFUSED = Set.of("BOUNCED", LEGACY_PARTIALLY_DELIVERED);
    private static final String PURGE = "DELETE FROM outbound_relay_attempt WHERE id IN (SELECT id FROM outbound_relay_attempt"
        + " WHERE attempted_at_ms < ? LIMIT " + AuditRetention.PURGE_BATCH + ")";

    private final DataSource dataSource;
    private final Duration retention;
    private final Clock clock;
    private final RelayAttemptWriter writer;
    private final AtomicBoolean invalidRowLogged = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcRelayAttemptLog(DataSource dataSource, Duration retention, Clock clock, Duration pauseAfterConnectionFailure) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.clock = clock;
        this.writer = new RelayAttemptWriter(dataSource, pauseAfterConnectionFailure);
    }

    // ---- writes ----

    /** Queues the attempt for the {@link RelayAttemptWriter}. Never throws nor waits for the database. */
    @Override
    public void record(RelayAttempt attempt) {
        writer.record(attempt);
    }

    // ---- reads ----

    /** @throws StoreUnavailableException when the database cannot be reached */
    @Override
    public List<RelayAttempt> find(Optional<Username> user, Optional<MailAddress> sendAs, Instant since, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        if (limit == 0) {
            return List.of();
        }
        writer.flush(READ_YOUR_WRITES_WAIT);
        try {
            return PAGE.read(dataSource, user, sendAs, since, offset, limit, this::fromRow);
        } catch (SQLException e) {
            throw unavailable("read relay attempts", e);
        }
    }

    /** @throws StoreUnavailableException when the database cannot be reached */
    @Override
    public Optional<RelayAttempt> latestFor(MailAddress sendAs) {
        writer.flush(READ_YOUR_WRITES_WAIT);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM outbound_relay_attempt"
                 + " WHERE send_as_key = ? ORDER BY attempted_at_ms DESC, id DESC LIMIT 1")) {
            statement.setString(1, SendAsKey.of(sendAs));
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? fromRow(rows) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("read the latest relay attempt of an address", e);
        }
    }

    private Optional<RelayAttempt> fromRow(ResultSet rows) throws SQLException {
        int replyCode = rows.getInt("reply_code");
        Optional<Integer> reply = rows.wasNull() ? Optional.empty() : Optional.of(replyCode);
        String outcome = rows.getString("outcome");
        // Names written before schema V22, by a node not upgraded yet (V22 renamed the stored ones).
        boolean partiallyDelivered = rows.getBoolean("partially_delivered") || LEGACY_PARTIALLY_DELIVERED.equals(outcome);
        try {
            return Optional.of(new RelayAttempt(Instant.ofEpochMilli(rows.getLong("attempted_at_ms")),
                Username.of(rows.getString("user_name")), new MailAddress(rows.getString("send_as")),
                rows.getString("relay_host"), rows.getInt("relay_port"), rows.getString("message_id"),
                rows.getInt("recipient_count"), LEGACY_REFUSED.contains(outcome) ? RelayOutcome.Kind.REFUSED
                    : RelayOutcome.Kind.valueOf(outcome), partiallyDelivered, reply,
                rows.getString("credential_kind")));
        } catch (AddressException | IllegalArgumentException e) {
            // e.g. an outcome written by a newer version of the extension on another node
            if (invalidRowLogged.compareAndSet(false, true)) {
                LOGGER.warn("outbound-relay audit: a relay attempt row cannot be read by this version ({}); such rows are left out",
                    e.getClass().getSimpleName());
            }
            return Optional.empty();
        }
    }

    // ---- retention ----

    /** Deletes every attempt older than the retention, now. */
    int purgeExpired() throws SQLException {
        return purgeOlderThan(clock.instant().minus(retention));
    }

    /** Deletes every attempt before {@code cutoff}, in batches; returns how many. */
    @Override
    public int purgeOlderThan(Instant cutoff) throws SQLException {
        writer.flush(READ_YOUR_WRITES_WAIT);
        return AuditRetention.deleteInBatches(dataSource, PURGE, epochMillis(cutoff), closed);
    }

    @Override
    public String what() {
        return "relay attempt(s)";
    }

    /** Waits until what was recorded so far is written (or dropped), at most {@link #READ_YOUR_WRITES_WAIT}. */
    void awaitRecorded() {
        writer.flush(READ_YOUR_WRITES_WAIT);
    }

    Duration retention() {
        return retention;
    }

    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // writes what is queued; record() drops attempts from now on; the pool is closed by the store right after
        writer.close();
    }

    // ---- helpers ----

    /** Milliseconds since the epoch, floored; instants beyond what a long holds are clamped. */
    static long epochMillis(Instant instant) {
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static StoreUnavailableException unavailable(String operation, SQLException e) {
        return new StoreUnavailableException("The outbound-relay store is unavailable: could not " + operation + ", retry later", e);
    }
}
