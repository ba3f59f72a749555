package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * What every entity kind of the store shares: the store version, the change log, the write transaction, and the
 * in-memory views ({@link EntityTable}) kept current by polling.
 * <ul>
 *     <li><b>Writes</b> run in one transaction that first takes the next store version (a single counter row whose
 *     lock serializes writers, on every node, so checks made in the transaction hold until it commits) and records
 *     every changed entity in the change log; then the views catch up before the write returns, so the writer's
 *     next read sees it. A write that cannot reach the database throws {@link StoreUnavailableException} and changes
 *     nothing.</li>
 *     <li><b>Other nodes' writes</b> are picked up by a poller that reads the change log past the last version seen
 *     (every {@code pollInterval}) and reloads only the entities named there.</li>
 * </ul>
 */
final class JdbcStoreEngine implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcStoreEngine.class);
    private static final int CHANGES_PER_READ = 1000;

    private final JdbcStoreConfiguration configuration;
    private final HikariDataSource dataSource;
    private final Map<String, EntityTable<?>> tables = new LinkedHashMap<>();
    /** Held while the views are changed from the database: the poller and a writer's catch-up never interleave. */
    private final ReentrantLock viewLock = new ReentrantLock();
    /** Writers of this node go one at a time (other nodes are serialized by the version row). */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean databaseReachable = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService poller;
    private final Set<String> unknownKinds = ConcurrentHashMap.newKeySet();
    private volatile long seenVersion;

    /** The engine owns the data source from now on: {@link #close()} closes it. */
    JdbcStoreEngine(JdbcStoreConfiguration configuration, HikariDataSource dataSource, List<EntityTable<?>> entityTables) {
        this.configuration = configuration;
        this.dataSource = dataSource;
        entityTables.forEach(table -> tables.put(table.kind(), table));
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbound-relay-store-poller");
            thread.setDaemon(true);
            return thread;
        });
    }

    long seenVersion() {
        return seenVersion;
    }

    boolean isDatabaseReachable() {
        return databaseReachable.get();
    }

    /** How many entities of each kind the views hold, for logs. */
    String viewSummary() {
        return tables.values().stream().map(table -> table.size() + " " + table.kind()).collect(Collectors.joining(", "));
    }

    // ---- writes ----

    /**
     * Runs a write in one transaction holding the store version, then brings the views up to date.
     *
     * @param operation   what the write does, for the error when the database cannot be reached
     * @param applyToView shows the write in the views should they not be reloadable right after the commit
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    <T> T write(String operation, StoreTransaction.Work<T> work, Runnable applyToView) {
        if (closed.get()) {
            throw new StoreUnavailableException("The outbound-relay store is closed: could not " + operation);
        }
        writeLock.lock();
        try {
            T result;
            boolean changed;
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    StoreTransaction transaction = new StoreTransaction(connection, nextVersion(connection));
                    result = work.run(transaction);
                    changed = transaction.recordedAChange();
                    if (changed) {
                        connection.commit();
                    } else {
                        connection.rollback();
                    }
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection);
                    throw e;
                }
            } catch (SQLException e) {
                markUnreachable(e);
                throw new StoreUnavailableException("The outbound-relay store is unavailable: could not " + operation
                    + "; nothing was changed, retry later", e);
            }
            if (changed) {
                catchUpAfterOwnWrite(applyToView);
            }
            return result;
        } finally {
            writeLock.unlock();
        }
    }

    private void catchUpAfterOwnWrite(Runnable applyToView) {
        try {
            refresh();
        } catch (SQLException | RuntimeException e) {
            // Committed, but the database went away right after: show our own write now; the poller reloads it
            // (and whatever else changed) once the database answers again, as the version was not advanced.
            markUnreachable(e);
            viewLock.lock();
            try {
                applyToView.run();
            } finally {
                viewLock.unlock();
            }
        }
    }

    /** Increments the store version, taking the lock of its row until the transaction ends. */
    static long nextVersion(Connection connection) throws SQLException {
        Sql.update(connection, "UPDATE outbound_relay_version SET current_version = current_version + 1 WHERE id = 1");
        return currentVersion(connection);
    }

    private static long currentVersion(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT current_version FROM outbound_relay_version WHERE id = 1");
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new SQLException("outbound_relay_version has no row: the schema was not migrated");
            }
            return rows.getLong(1);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken: nothing was committed
        }
    }

    // ---- the views: full load, then changes past the last seen version ----

    /** Fills every view from its table. */
    void loadAll() throws SQLException {
        viewLock.lock();
        try (Connection connection = dataSource.getConnection()) {
            // The version first: every change up to it is committed, so the rows read next reflect it (or later
            // changes, which the poller reloads again).
            long version = currentVersion(connection);
            for (EntityTable<?> table : tables.values()) {
                table.loadAll(connection);
            }
            seenVersion = version;
        } finally {
            viewLock.unlock();
        }
    }

    /** Applies every change committed past {@link #seenVersion()}; also what the poller runs. */
    void refresh() throws SQLException {
        viewLock.lock();
        try (Connection connection = dataSource.getConnection()) {
            while (true) {
                List<Change> changes = changesAfter(connection, seenVersion);
                if (changes.isEmpty()) {
                    break;
                }
                Set<Entity> entities = new LinkedHashSet<>();
                changes.forEach(change -> entities.add(new Entity(change.kind(), change.key())));
                for (Entity entity : entities) {
                    reload(connection, entity);
                }
                seenVersion = changes.get(changes.size() - 1).version();
                if (changes.size() < CHANGES_PER_READ) {
                    break;
                }
            }
            markReachable();
        } finally {
            viewLock.unlock();
        }
    }

    private void reload(Connection connection, Entity entity) throws SQLException {
        EntityTable<?> table = tables.get(entity.kind());
        if (table != null) {
            table.reload(connection, entity.key());
        } else if (unknownKinds.add(entity.kind())) {
            // Written by a newer version of the extension on another node: nothing this one can show.
            LOGGER.warn("outbound-relay store: the change log names entities of kind '{}', unknown to this version; ignored",
                Printable.of(entity.kind()));
        }
    }

    private record Change(long version, String kind, String key) {
    }

    private record Entity(String kind, String key) {
    }

    private static List<Change> changesAfter(Connection connection, long version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT change_version, entity_kind, entity_key"
            + " FROM outbound_relay_change WHERE change_version > ? ORDER BY change_version")) {
            statement.setLong(1, version);
            statement.setMaxRows(CHANGES_PER_READ);
            try (ResultSet rows = statement.executeQuery()) {
                List<Change> changes = new ArrayList<>();
                while (rows.next()) {
                    changes.add(new Change(rows.getLong(1), rows.getString(2), rows.getString(3)));
                }
                return changes;
            }
        }
    }

    void startPolling() {
        long interval = configuration.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            refresh();
        } catch (Throwable e) {
            markUnreachable(e);
        }
    }

    private void markUnreachable(Throwable e) {
        if (databaseReachable.compareAndSet(true, false)) {
            LOGGER.warn("outbound-relay store: the database at {} cannot be reached ({}); reads answer from the last known view"
                + " ({}, version {}), writes fail until it is back",
                configuration.safeUrl(), StoreDatabase.rootMessage(e), viewSummary(), seenVersion);
        }
    }

    private void markReachable() {
        if (databaseReachable.compareAndSet(false, true)) {
            LOGGER.info("outbound-relay store: the database at {} answers again (view at version {})", configuration.safeUrl(), seenVersion);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            poller.shutdownNow();
            try {
                poller.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dataSource.close();
        }
    }
}
