package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code audit.retention} (90 days by default) for every table of the audit trail (relay attempts, configuration
 * events): rows older than it are deleted every hour, in batches, by a thread of its own (a large first purge must not
 * delay the store's 200 ms change poll). Every node purges; the deletes are idempotent.
 */
final class AuditRetention implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(AuditRetention.class);

    static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    static final Duration FIRST_PURGE_DELAY = Duration.ofMinutes(1);
    static final int PURGE_BATCH = 10_000;

    /** A table of the audit trail whose old rows can be deleted. */
    interface ExpiringRows {
        /** What its rows are, for the log: "relay attempt(s)". */
        String what();

        /** Deletes every row before {@code cutoff}; returns how many. */
        int purgeOlderThan(Instant cutoff) throws SQLException;
    }

    private final Duration retention;
    private final Clock clock;
    private final List<ExpiringRows> tables;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ScheduledExecutorService purger;

    AuditRetention(Duration retention, Clock clock, List<ExpiringRows> tables) {
        this.retention = retention;
        this.clock = clock;
        this.tables = List.copyOf(tables);
    }

    /**
     * Runs {@code purge} ({@code DELETE ... WHERE id IN (SELECT id ... WHERE <time> < ? LIMIT PURGE_BATCH)}) until a
     * batch deletes fewer than {@link #PURGE_BATCH} rows or {@code stopped} says so; returns how many were deleted.
     */
    static int deleteInBatches(DataSource dataSource, String purge, long cutoffMillis, AtomicBoolean stopped) throws SQLException {
        int deleted = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(purge)) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            statement.setLong(1, cutoffMillis);
            int batch;
            do {
                batch = statement.executeUpdate();
                deleted += batch;
            } while (batch == PURGE_BATCH && !stopped.get());
        }
        return deleted;
    }

    Duration retention() {
        return retention;
    }

    /** Purges every {@code interval}, the first time after {@code firstDelay}, on a daemon thread of its own. */
    synchronized void start(Duration firstDelay, Duration interval) {
        if (purger != null || closed.get()) {
            return;
        }
        purger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbound-relay-audit-retention");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(this::purgeExpired, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Deletes what is older than the retention in every table, now; a table that fails does not stop the others. */
    void purgeExpired() {
        Instant cutoff = clock.instant().minus(retention);
        for (ExpiringRows table : tables) {
            try {
                int deleted = table.purgeOlderThan(cutoff);
                if (deleted > 0) {
                    LOGGER.info("outbound-relay audit: deleted {} {} older than {} days (audit.retention)", deleted,
                        table.what(), retention.toDays());
                }
            } catch (Exception e) {
                if (!closed.get()) {
                    LOGGER.warn("outbound-relay audit: could not delete {} older than audit.retention ({}); retried in {} minutes",
                        table.what(), SqlFailures.describe(e), PURGE_INTERVAL.toMinutes());
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true) || purger == null) {
            return;
        }
        purger.shutdownNow();
        try {
            purger.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
