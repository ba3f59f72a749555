package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.SendAsKey;

/**
 * One page of an audit table (relay attempts, configuration events), oldest first, since a time, for one user and one
 * send-as address when given: the query the audit API's filters make of either table.
 *
 * @param table          the table
 * @param columns        the columns its rows are read from
 * @param timeColumn     when the row happened, in epoch milliseconds
 * @param sendAsKeyMatch the condition comparing the row's address with a {@link SendAsKey}
 */
record AuditPage(String table, String columns, String timeColumn, String sendAsKeyMatch) {
    /** Reads a row; empty for a row no longer readable (e.g. written by a newer version), which is skipped. */
    interface RowReader<T> {
        Optional<T> read(ResultSet rows) throws SQLException;
    }

    <T> List<T> read(DataSource dataSource, Optional<Username> user, Optional<MailAddress> sendAs, Instant since,
                     int offset, int limit, RowReader<T> reader) throws SQLException {
        String sql = "SELECT " + columns + " FROM " + table + " WHERE " + timeColumn + " >= ?"
            + (user.isPresent() ? " AND user_name = ?" : "")
            + (sendAs.isPresent() ? " AND " + sendAsKeyMatch + " = ?" : "")
            + " ORDER BY " + timeColumn + ", id LIMIT ? OFFSET ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            int parameter = 1;
            statement.setLong(parameter++, JdbcRelayAttemptLog.epochMillis(since));
            if (user.isPresent()) {
                statement.setString(parameter++, user.get().asString());
            }
            if (sendAs.isPresent()) {
                statement.setString(parameter++, SendAsKey.of(sendAs.get()));
            }
            statement.setInt(parameter++, limit);
            statement.setInt(parameter, offset);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> page = new ArrayList<>();
                while (rows.next()) {
                    reader.read(rows).ifPresent(page::add);
                }
                return page;
            }
        }
    }
}
