package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * One-time upgrades of the stored data that need the application (the sealing key, say), recorded in
 * {@code outbound_relay_upgrade} (schema V12) once they completed: each runs at the starts before that, never after.
 * Nodes starting together may both run one (each upgrade is idempotent); the first to finish records it.
 */
final class StoreUpgrades {
    private static final Logger LOGGER = LoggerFactory.getLogger(StoreUpgrades.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final Clock clock;

    StoreUpgrades(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** @throws StoreUnavailableException when the database cannot say whether it ran, or record that it did */
    void runOnce(String name, Runnable upgrade) {
        try {
            if (isDone(name)) {
                return;
            }
            upgrade.run();
            markDone(name);
            LOGGER.info("outbound-relay store: upgrade '{}' done, it will not run again", name);
        } catch (SQLException e) {
            throw new StoreUnavailableException("The outbound-relay store could not run its upgrade '" + name + "' ("
                + SqlFailures.describe(e) + ")", e);
        }
    }

    boolean isDone(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                 "SELECT 1 FROM outbound_relay_upgrade WHERE upgrade_name = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    private void markDone(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Sql.update(connection, "INSERT INTO outbound_relay_upgrade (upgrade_name, done_at_ms) VALUES (?, ?)", name,
                clock.millis());
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            // Another node finished it too, first.
        }
    }
}
