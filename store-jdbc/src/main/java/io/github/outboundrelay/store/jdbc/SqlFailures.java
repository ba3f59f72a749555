package io.github.outboundrelay.store.jdbc;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** How the audit trail tells and names database failures in its logs. */
final class SqlFailures {
    private SqlFailures() {
    }

    /** Whether the database could not be reached (as opposed to refusing a statement). */
    static boolean isConnectionFailure(Throwable e) {
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
    static String describe(Throwable e) {
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
}
