package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The transaction of one write of the {@link JdbcStoreEngine}. It starts holding the next store version (the lock of
 * the version row), so what a write checks in the database stays true until it commits; every entity it changes is
 * recorded in the change log, each change with a version of its own.
 */
final class StoreTransaction {
    /** The statements of one write. */
    @FunctionalInterface
    interface Work<T> {
        /**
         * Committed when it recorded a change, rolled back (and no version used) otherwise, or when it throws.
         */
        T run(StoreTransaction transaction) throws SQLException;
    }

    private final Connection connection;
    private long version;
    private boolean changed;

    StoreTransaction(Connection connection, long version) {
        this.connection = connection;
        this.version = version;
    }

    Connection connection() {
        return connection;
    }

    /**
     * Records in the change log that an entity changed, so that every node reloads it.
     *
     * @return the version of this change, for the entity's {@code changed_version}
     */
    long recordChange(EntityTable<?> table, String key) throws SQLException {
        if (changed) {
            version = JdbcStoreEngine.nextVersion(connection);
        }
        changed = true;
        Sql.update(connection, "INSERT INTO outbound_relay_change (change_version, entity_kind, entity_key) VALUES (?, ?, ?)",
            version, table.kind(), key);
        return version;
    }

    boolean recordedAChange() {
        return changed;
    }
}
