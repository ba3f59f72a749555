package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.internet.AddressException;
import javax.sql.DataSource;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayAttemptLog;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.StoreUnavailableException;

/**
 * The audit trail of relay attempts in the store's database ({@code outbound_relay_attempt}, schema V3): durable, and
 * shared by every James node on the same PostgreSQL. Unlike the rest of the store it has no in-memory view: attempts
 * are written often (one row per delivery attempt) and read rarely (admin calls, the health check), so
 * <ul>
 *     <li>{@link #record} is one plain {@code INSERT} (autocommit) on the delivery thread. <b>It never throws</b>: when
 *     the database cannot be reached or refuses the row, the attempt is <b>dropped from the audit trail</b> (the mail
 *     itself is unaffected), one WARN is logged for the whole episode (naming the operation, the SQLState and the
 *     exception class only: never a value of the attempt nor the database's message, which may quote them), and an
 *     INFO with the number of dropped attempts once recording works again. After a connection failure, attempts of
 *     the next {@code pauseAfterFailure} (10 s) are dropped at once instead of each waiting the connection timeout,
 *     so an outage does not slow delivery down.</li>
 *     <li>{@link #find} and {@link #latestFor} are SQL queries on the indexes of V3; they throw
 *     {@link StoreUnavailableException} (503 in the admin API) when the database cannot be reached.</li>
 *     <li><b>Precision</b>: instants are kept to the millisecond (truncated), enough for an audit trail; {@code since}
 *     is compared to the millisecond too (an attempt in the same millisecond as {@code since} is included).</li>
 *     <li><b>Order</b>: oldest first by that instant, then by insertion order (the identity column {@code id}).</li>
 *     <li><b>Retention</b>: rows older than {@code audit.retention} (90 days by default) are deleted every hour, in
 *     batches, by a thread of its own (a large first purge must not delay the store's 200 ms change poll). Every
 *     node purges; the deletes are idempotent.</li>
 * </ul>
 */
public final class JdbcRelayAttemptLog implements RelayAttemptLog, AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcRelayAttemptLog.class);

    static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    static final Duration FIRST_PURGE_DELAY = Duration.ofMinutes(1);
    static final Duration PAUSE_AFTER_CONNECTION_FAILURE = Duration.ofSeconds(10);
    static final int PURGE_BATCH = 10_000;
    static final int MESSAGE_ID_LENGTH = 1000;
    static final int RELAY_HOST_LENGTH = 255;

    private static final String COLUMNS = "attempted_at_ms, user_name, send_as, relay_host, relay_port, message_id,"
        + " recipient_count, outcome, reply_code";
    private static final String INSERT = "INSERT INTO outbound_relay_attempt (attempted_at_ms, user_name, send_as, send_as_key,"
        + " relay_host, relay_port, message_id, recipient_count, outcome, reply_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String PURGE = "DELETE FROM outbound_relay_attempt WHERE id IN (SELECT id FROM outbound_relay_attempt"
        + " WHERE attempted_at_ms < ? LIMIT " + PURGE_BATCH + ")";

    private final DataSource dataSource;
    private final Duration retention;
    private final Clock clock;
    private final Duration pauseAfterConnectionFailure;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean invalidRowLogged = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** {@link System#nanoTime()} before which {@link #record} does not try the database (after a connection failure). */
    private volatile long pausedUntilNanos;
    private volatile boolean paused;
    private ScheduledExecutorService purger;

    JdbcRelayAttemptLog(DataSource dataSource, Duration retention, Clock clock, Duration pauseAfterConnectionFailure) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.clock = clock;
        this.pauseAfterConnectionFailure = pauseAfterConnectionFailure;
    }

    // ---- writes ----

    /**
     * Inserts the attempt. Never throws: on a database error the attempt is dropped from the audit trail (logged once
     * per episode, without its values); the mail it describes is unaffected.
     */
    @Override
    public void record(RelayAttempt attempt) {
        if (closed.get()) {
            dropped.incrementAndGet();
            if (failing.compareAndSet(false, true)) {
                LOGGER.warn("outbound-relay audit: the store is closed (James is stopping); relay attempts are left out of"
                    + " the audit trail, the mails themselves are unaffected");
            }
            return;
        }
        if (paused && System.nanoTime() - pausedUntilNanos < 0) {
            dropped.incrementAndGet();
            return;
        }
        try {
            insert(attempt);
            paused = false;
            if (failing.compareAndSet(true, false)) {
                LOGGER.info("outbound-relay audit: relay attempts are recorded again; {} attempt(s) were left out of the audit trail meanwhile",
                    dropped.getAndSet(0));
            }
        } catch (Exception e) {
            dropped.incrementAndGet();
            boolean connectionFailure = isConnectionFailure(e);
            if (connectionFailure) {
                pausedUntilNanos = System.nanoTime() + pauseAfterConnectionFailure.toNanos();
                paused = true;
            }
            if (failing.compareAndSet(false, true)) {
                LOGGER.warn("outbound-relay audit: could not record a relay attempt ({}, {}); {} left out of the audit trail"
                    + " until the database accepts them again, the mails themselves are unaffected",
                    connectionFailure ? "database unreachable" : "insert refused", describe(e),
                    connectionFailure ? "attempts are" : "such attempts are");
            }
        }
    }

    private void insert(RelayAttempt attempt) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(INSERT)) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            statement.setLong(1, epochMillis(attempt.at()));
            statement.setString(2, attempt.user().asString());
            statement.setString(3, attempt.sendAs().asString());
            statement.setString(4, SendAsKey.of(attempt.sendAs()));
            statement.setString(5, truncate(attempt.relayHost(), RELAY_HOST_LENGTH));
            statement.setInt(6, attempt.relayPort());
            statement.setString(7, truncate(attempt.messageId(), MESSAGE_ID_LENGTH));
            statement.setInt(8, attempt.recipientCount());
            statement.setString(9, attempt.outcome().name());
            if (attempt.replyCode().isPresent()) {
                statement.setInt(10, attempt.replyCode().get());
            } else {
                statement.setNull(10, Types.INTEGER);
            }
            statement.executeUpdate();
        }
    }

    // ---- reads ----

    /** @throws StoreUnavailableException when the database cannot be reached */
    @Override
    public List<RelayAttempt> find(Optional<Username> user, Instant since, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        if (limit == 0) {
            return List.of();
        }
        String sql = "SELECT " + COLUMNS + " FROM outbound_relay_attempt WHERE attempted_at_ms >= ?"
            + (user.isPresent() ? " AND user_name = ?" : "")
            + " ORDER BY attempted_at_ms, id LIMIT ? OFFSET ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            int parameter = 1;
            statement.setLong(parameter++, epochMillis(since));
            if (user.isPresent()) {
                statement.setString(parameter++, user.get().asString());
            }
            statement.setInt(parameter++, limit);
            statement.setInt(parameter, offset);
            try (ResultSet rows = statement.executeQuery()) {
                List<RelayAttempt> attempts = new ArrayList<>();
                while (rows.next()) {
                    fromRow(rows).ifPresent(attempts::add);
                }
                return attempts;
            }
        } catch (SQLException e) {
            throw unavailable("read relay attempts", e);
        }
    }

    /** @throws StoreUnavailableException when the database cannot be reached */
    @Override
    public Optional<RelayAttempt> latestFor(MailAddress sendAs) {
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
        try {
            return Optional.of(new RelayAttempt(Instant.ofEpochMilli(rows.getLong("attempted_at_ms")),
                Username.of(rows.getString("user_name")), new MailAddress(rows.getString("send_as")),
                rows.getString("relay_host"), rows.getInt("relay_port"), rows.getString("message_id"),
                rows.getInt("recipient_count"), RelayAttempt.Outcome.valueOf(rows.getString("outcome")), reply));
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
    int purgeOlderThan(Instant cutoff) throws SQLException {
        long cutoffMillis = epochMillis(cutoff);
        int deleted = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(PURGE)) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            statement.setLong(1, cutoffMillis);
            int batch;
            do {
                batch = statement.executeUpdate();
                deleted += batch;
            } while (batch == PURGE_BATCH && !closed.get());
        }
        return deleted;
    }

    /** Purges every {@code interval}, the first time after {@code firstDelay}, on a daemon thread of its own. */
    synchronized void startRetention(Duration firstDelay, Duration interval) {
        if (purger != null || closed.get()) {
            return;
        }
        purger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbound-relay-audit-retention");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(this::scheduledPurge, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduledPurge() {
        try {
            int deleted = purgeExpired();
            if (deleted > 0) {
                LOGGER.info("outbound-relay audit: deleted {} relay attempt(s) older than {} days (audit.retention)",
                    deleted, retention.toDays());
            }
        } catch (Exception e) {
            if (!closed.get()) {
                LOGGER.warn("outbound-relay audit: could not delete relay attempts older than audit.retention ({}); retried in {} minutes",
                    describe(e), PURGE_INTERVAL.toMinutes());
            }
        }
    }

    Duration retention() {
        return retention;
    }

    @Override
    public synchronized void close() {
        if (closed.compareAndSet(false, true) && purger != null) {
            // record() drops attempts from now on; the pool is closed by the store right after
            purger.shutdownNow();
            try {
                purger.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    private static String truncate(String value, int length) {
        return value.length() <= length ? value : value.substring(0, length);
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException) {
                return true;
            }
            // 08: connection exception; 57: operator intervention (PostgreSQL shutting down, or not accepting yet)
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57"))) {
                return true;
            }
        }
        return false;
    }

    /** The SQLState and the exception classes: never a message, which may quote the row's values. */
    private static String describe(Throwable e) {
        String state = null;
        for (Throwable cause = e; cause != null && state == null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql) {
                state = sql.getSQLState();
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return (state == null ? "" : "SQLState " + state + ", ") + e.getClass().getSimpleName()
            + (root == e ? "" : " caused by " + root.getClass().getSimpleName());
    }

    private static StoreUnavailableException unavailable(String operation, SQLException e) {
        return new StoreUnavailableException("The outbound-relay store is unavailable: could not " + operation + ", retry later", e);
    }
}
