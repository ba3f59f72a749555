package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.SendAsKey;

/**
 * Writes relay attempts to {@code outbound_relay_attempt} on a thread of its own, many rows per transaction (what
 * arrives within {@link #LINGER} of the first, unless a read is waiting): a delivery thread only puts the attempt in a
 * bounded queue and goes on. One commit per delivery used to take three quarters of the delivery threads' time on H2
 * (profiled in docs/BENCHMARKS.md).
 *
 * <p>Attempts that cannot be written are <b>dropped from the audit trail</b>, never retried (the mails themselves are
 * unaffected): on a database error (one WARN per episode, without any value of the attempts, and an INFO with the
 * number dropped once writing works again), while paused after a connection failure (so an outage costs one
 * connection timeout per pause, not one per batch), when the queue is full, and after {@link #close}. A batch the
 * database refuses is retried row by row, so one bad row does not take its neighbours with it. Attempts still queued
 * when James stops are written by {@link #close} (within {@link #CLOSE_DRAIN_TIMEOUT}); a kill -9 loses those of the
 * last moments, which the audit trail accepts.</p>
 */
final class RelayAttemptWriter implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayAttemptWriter.class);

    static final int MAX_BATCH = 500;
    static final int MAX_QUEUED = 20_000;
    static final Duration CLOSE_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    static final Duration LINGER = Duration.ofMillis(100);
    private static final Duration LINGER_POLL = Duration.ofMillis(5);
    static final int MESSAGE_ID_LENGTH = 1000;
    static final int RELAY_HOST_LENGTH = 255;

    private static final String INSERT = "INSERT INTO outbound_relay_attempt (attempted_at_ms, user_name, send_as, send_as_key,"
        + " relay_host, relay_port, message_id, recipient_count, outcome, reply_code, credential_kind,"
        + " partially_delivered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final Duration pauseAfterConnectionFailure;
    private final BlockingQueue<RelayAttempt> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Attempts accepted into the queue so far, and how many of them the writer has written or dropped. */
    private final AtomicLong accepted = new AtomicLong();
    private long handled;
    /** The highest {@link #accepted} count a read waits for: the writer stops lingering until it is written. */
    private final AtomicLong flushWanted = new AtomicLong();
    private long pausedUntilNanos;
    private final Thread thread;

    RelayAttemptWriter(DataSource dataSource, Duration pauseAfterConnectionFailure) {
        this.dataSource = dataSource;
        this.pauseAfterConnectionFailure = pauseAfterConnectionFailure;
        this.thread = new Thread(this::writeUntilClosed, "outbound-relay-audit-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues the attempt for writing. Never throws nor waits. */
    void record(RelayAttempt attempt) {
        if (closed.get()) {
            drop(1, "the store is closed (James is stopping); relay attempts are left out of the audit trail, the mails"
                + " themselves are unaffected");
            return;
        }
        if (queue.offer(attempt)) {
            accepted.incrementAndGet();
        } else {
            drop(1, "more than " + MAX_QUEUED + " relay attempts wait to be written (the database is too slow); attempts"
                + " are left out of the audit trail until it catches up, the mails themselves are unaffected");
        }
    }

    /**
     * Waits until every attempt queued before this call is written or dropped, at most {@code timeout}; reads call it
     * first so that they see what this node recorded before them.
     */
    void flush(Duration timeout) {
        long target = accepted.get();
        flushWanted.accumulateAndGet(target, Math::max);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (handled < target && thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Writes what is queued (within {@link #CLOSE_DRAIN_TIMEOUT}), then stops; later attempts are dropped. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                thread.join(CLOSE_DRAIN_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread.interrupt();
        }
    }

    private void writeUntilClosed() {
        List<RelayAttempt> batch = new ArrayList<>(MAX_BATCH);
        while (!closed.get() || !queue.isEmpty()) {
            try {
                RelayAttempt first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                gatherMore(batch);
                write(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                // never let the writer die: the next batch gets its chance
                drop(batch.size(), "unexpected " + e.getClass().getSimpleName() + "; attempts are left out of the audit trail");
            } finally {
                markHandled(batch.size());
                batch.clear();
            }
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Adds what arrives within {@link #LINGER} (up to {@link #MAX_BATCH}): a commit costs far more than a row (H2
     * writes a chunk per commit), and at a few hundred deliveries a second the queue rarely holds more than one or two
     * attempts at a time. Stops lingering as soon as a read waits for the batch.
     */
    private void gatherMore(List<RelayAttempt> batch) throws InterruptedException {
        long deadline = System.nanoTime() + LINGER.toNanos();
        queue.drainTo(batch, MAX_BATCH - batch.size());
        while (batch.size() < MAX_BATCH && !closed.get() && flushWanted.get() <= handledSoFar()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            RelayAttempt next = queue.poll(Math.min(left, LINGER_POLL.toNanos()), TimeUnit.NANOSECONDS);
            if (next != null) {
                batch.add(next);
                queue.drainTo(batch, MAX_BATCH - batch.size());
            }
        }
    }

    private void write(List<RelayAttempt> batch) {
        if (System.nanoTime() - pausedUntilNanos < 0) {
            dropped.addAndGet(batch.size());
            return;
        }
        try {
            insert(batch);
            recovered();
        } catch (SQLException e) {
            if (SqlFailures.isConnectionFailure(e)) {
                pausedUntilNanos = System.nanoTime() + pauseAfterConnectionFailure.toNanos();
                drop(batch.size(), "could not record a relay attempt (database unreachable, " + SqlFailures.describe(e)
                    + "); attempts are left out of the audit trail until the database accepts them again, the mails"
                    + " themselves are unaffected");
            } else if (batch.size() > 1) {
                batch.forEach(attempt -> write(List.of(attempt)));
            } else {
                drop(1, "could not record a relay attempt (insert refused, " + SqlFailures.describe(e) + "); such attempts"
                    + " are left out of the audit trail, the mails themselves are unaffected");
            }
        }
    }

    private void insert(List<RelayAttempt> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(INSERT)) {
            connection.setAutoCommit(false);
            try {
                for (RelayAttempt attempt : batch) {
                    bind(statement, attempt);
                    statement.addBatch();
                }
                statement.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private static void bind(PreparedStatement statement, RelayAttempt attempt) throws SQLException {
        statement.setLong(1, JdbcRelayAttemptLog.epochMillis(attempt.at()));
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
        statement.setString(11, attempt.credential());
        statement.setBoolean(12, attempt.partiallyDelivered());
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken: Hikari evicts it
        }
    }

    private void drop(int attempts, String why) {
        dropped.addAndGet(attempts);
        if (failing.compareAndSet(false, true)) {
            LOGGER.warn("outbound-relay audit: {}", why);
        }
    }

    private void recovered() {
        if (failing.compareAndSet(true, false)) {
            LOGGER.info("outbound-relay audit: relay attempts are recorded again; {} attempt(s) were left out of the audit trail meanwhile",
                dropped.getAndSet(0));
        }
    }

    private synchronized long handledSoFar() {
        return handled;
    }

    private synchronized void markHandled(int attempts) {
        handled += attempts;
        notifyAll();
    }

    private static String truncate(String value, int length) {
        return value.length() <= length ? value : value.substring(0, length);
    }
}
