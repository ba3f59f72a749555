package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.mail.internet.AddressException;
import javax.sql.DataSource;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.store.SettingsEventLog;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * The configuration events of the audit trail in the store's database ({@code outbound_relay_settings_event}, schema
 * V5; the admin's name since V13), shared by every node on the same PostgreSQL. Events are rare (an admin's or a
 * user's action), so each is one plain insert, written before the call that made the change returns. As for relay attempts: kept to the millisecond,
 * listed by (instant, insertion order), deleted after {@code audit.retention} by {@link AuditRetention}. An event the
 * database cannot take is left out of the trail with one WARN per episode (the SQLState and classes only, never a
 * value); the change itself stands. {@link #find} throws {@link StoreUnavailableException} when the database cannot
 * be reached.
 */
public final class JdbcSettingsEventLog implements SettingsEventLog, AuditRetention.ExpiringRows {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcSettingsEventLog.class);

    private static final String COLUMNS = "occurred_at_ms, actor, event_type, user_name, send_as, domain_name, detail, actor_name";
    // Addresses are plain (ASCII) ones: their key is the address in lower case.
    private static final AuditPage PAGE = new AuditPage("outbound_relay_settings_event", COLUMNS, "occurred_at_ms",
        "LOWER(send_as)");
    private static final String INSERT = "INSERT INTO outbound_relay_settings_event (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String PURGE = "DELETE FROM outbound_relay_settings_event WHERE id IN (SELECT id FROM"
        + " outbound_relay_settings_event WHERE occurred_at_ms < ? LIMIT " + AuditRetention.PURGE_BATCH + ")";

    private final DataSource dataSource;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean invalidRowLogged = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcSettingsEventLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void record(SettingsEvent event) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(INSERT)) {
            statement.setLong(1, JdbcRelayAttemptLog.epochMillis(event.at()));
            statement.setString(2, event.actor().kind().name());
            statement.setString(3, event.type().name());
            setOptional(statement, 4, event.user().map(Username::asString));
            setOptional(statement, 5, event.sendAs().map(MailAddress::asString));
            setOptional(statement, 6, event.domain().map(Domain::asString));
            statement.setString(7, event.detail());
            setOptional(statement, 8, event.actor().name().map(Username::asString));
            statement.executeUpdate();
            if (failing.compareAndSet(true, false)) {
                LOGGER.info("outbound-relay audit: configuration events are recorded again");
            }
        } catch (SQLException e) {
            if (failing.compareAndSet(false, true)) {
                LOGGER.warn("outbound-relay audit: a configuration event could not be recorded ({}); such events are left"
                    + " out of the audit trail until the database accepts them again, the changes themselves stand",
                    SqlFailures.describe(e));
            }
        }
    }

    /** @throws StoreUnavailableException when the database cannot be reached */
    @Override
    public List<SettingsEvent> find(Optional<Username> user, Optional<MailAddress> sendAs, Instant since, int offset,
                                    int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        if (limit == 0) {
            return List.of();
        }
        try {
            return PAGE.read(dataSource, user, sendAs, since, offset, limit, this::fromRow);
        } catch (SQLException e) {
            throw new StoreUnavailableException("The outbound-relay store is unavailable: could not read configuration"
                + " events, retry later", e);
        }
    }

    @Override
    public int purgeOlderThan(Instant cutoff) throws SQLException {
        return AuditRetention.deleteInBatches(dataSource, PURGE, JdbcRelayAttemptLog.epochMillis(cutoff), closed);
    }

    @Override
    public String what() {
        return "configuration event(s)";
    }

    void close() {
        closed.set(true);
    }

    private Optional<SettingsEvent> fromRow(ResultSet rows) throws SQLException {
        try {
            String user = rows.getString("user_name");
            String sendAs = rows.getString("send_as");
            String domain = rows.getString("domain_name");
            return Optional.of(new SettingsEvent(Instant.ofEpochMilli(rows.getLong("occurred_at_ms")),
                new Actor(Actor.Kind.valueOf(rows.getString("actor")), Optional.ofNullable(rows.getString("actor_name")).map(Username::of)),
                SettingsEvent.Type.valueOf(rows.getString("event_type")),
                Optional.ofNullable(user).map(Username::of),
                sendAs == null ? Optional.empty() : Optional.of(new MailAddress(sendAs)),
                Optional.ofNullable(domain).map(Domain::of), rows.getString("detail")));
        } catch (AddressException | IllegalArgumentException e) {
            // e.g. an event type written by a newer version of the extension on another node
            if (invalidRowLogged.compareAndSet(false, true)) {
                LOGGER.warn("outbound-relay audit: a configuration event row cannot be read by this version ({}); such rows"
                    + " are left out", e.getClass().getSimpleName());
            }
            return Optional.empty();
        }
    }

    private static void setOptional(PreparedStatement statement, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            statement.setString(index, value.get());
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }
}
