package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.james.core.Username;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.store.RelaySendingLedger;
import io.github.outboundrelay.core.store.memory.InMemoryRelaySendingLedger;

/**
 * The per-user sending ledger in the store's database ({@code outbound_relay_sent}, schema V14), shared by every node
 * on the same PostgreSQL: the limit counts a user's mail whichever node relays it. A count locks the user's row
 * ({@code outbound_relay_sending_user}) for its transaction, so two nodes never both admit the mail that crosses the
 * limit.
 *
 * <p>When the database cannot be reached, the node counts on its own ({@link InMemoryRelaySendingLedger}, which also
 * holds what this node counted in the database within the window), one WARN per outage, no values: the limit must not
 * stop mail while the store is away (refusing would bounce every relayed mail of the outage), nor vanish (admitting
 * uncounted would let a compromised account send without bound exactly when the store is down). Meanwhile a user may
 * relay up to the limit on each node; what a node counted on its own is not written to the database afterwards.</p>
 */
public final class JdbcRelaySendingLedger implements RelaySendingLedger {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcRelaySendingLedger.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final InMemoryRelaySendingLedger thisNode = new InMemoryRelaySendingLedger();
    private final AtomicBoolean failing = new AtomicBoolean();

    JdbcRelaySendingLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean tryCount(Username user, int recipients, int limit, Duration window, Instant at) {
        try {
            boolean counted = count(user.asString(), recipients, limit, at.minus(window).toEpochMilli(), at.toEpochMilli());
            if (failing.compareAndSet(true, false)) {
                LOGGER.info("outbound-relay: the sending limit is counted in the database again");
            }
            if (counted) {
                // never refused here: the database decided; this node only remembers it for an outage
                thisNode.tryCount(user, recipients, Integer.MAX_VALUE, window, at);
            }
            return counted;
        } catch (SQLException e) {
            if (failing.compareAndSet(false, true)) {
                LOGGER.warn("outbound-relay: the sending limit cannot be counted in the database ({}); each node counts"
                    + " on its own until it can", SqlFailures.describe(e));
            }
            return thisNode.tryCount(user, recipients, limit, window, at);
        }
    }

    private boolean count(String user, int recipients, int limit, long windowStartMs, long atMs) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            registerUser(connection, user);
            connection.setAutoCommit(false);
            try {
                lockUser(connection, user);
                Sql.update(connection, "DELETE FROM outbound_relay_sent WHERE user_name = ? AND sent_at_ms <= ?", user, windowStartMs);
                if (sentSince(connection, user, windowStartMs) + recipients > limit) {
                    connection.rollback();
                    return false;
                }
                Sql.update(connection, "INSERT INTO outbound_relay_sent (user_name, sent_at_ms, recipient_count) VALUES (?, ?, ?)",
                    user, atMs, recipients);
                connection.commit();
                return true;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The row to lock: inserted on its own (a failed insert would abort a PostgreSQL transaction). */
    private static void registerUser(Connection connection, String user) throws SQLException {
        try {
            Sql.update(connection, "INSERT INTO outbound_relay_sending_user (user_name) VALUES (?)", user);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    private static void lockUser(Connection connection, String user) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
            "SELECT user_name FROM outbound_relay_sending_user WHERE user_name = ? FOR UPDATE")) {
            statement.setString(1, user);
            statement.executeQuery().close();
        }
    }

    private static long sentSince(Connection connection, String user, long windowStartMs) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
            "SELECT COALESCE(SUM(recipient_count), 0) FROM outbound_relay_sent WHERE user_name = ? AND sent_at_ms > ?")) {
            statement.setString(1, user);
            statement.setLong(2, windowStartMs);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Override
    public boolean sharedByNodes() {
        return true;
    }
}
