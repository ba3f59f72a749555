package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One kind of entity of the store, plugged into the {@link JdbcStoreEngine}: its table, how a row becomes a value,
 * and the in-memory view of all its rows, keyed by the table's key column. The engine fills the view (everything at
 * start, then the keys named by the change log) and holds its view lock while doing so; reads of the view never touch
 * the database. Subclasses add their write statements, which the engine runs in its write transactions.
 *
 * @param <V> the value a row maps to
 */
abstract class EntityTable<V> {
    private final String kind;
    private final String keyColumn;
    private final String selectAll;
    private final ConcurrentHashMap<String, V> view = new ConcurrentHashMap<>();

    /**
     * @param kind      the change log's {@code entity_kind} for this table (at most 16 characters)
     * @param table     the table's name
     * @param keyColumn its primary key, the change log's {@code entity_key}
     * @param columns   the columns {@link #fromRow} reads, the key column among them
     */
    protected EntityTable(String kind, String table, String keyColumn, String columns) {
        this.kind = kind;
        this.keyColumn = keyColumn;
        this.selectAll = "SELECT " + columns + " FROM " + table;
    }

    /** The value of the current row; empty, after logging why without its values, when the row is not valid. */
    protected abstract Optional<V> fromRow(ResultSet row) throws SQLException;

    final String kind() {
        return kind;
    }

    // ---- reads: the view only ----

    final Optional<V> find(String key) {
        return Optional.ofNullable(view.get(key));
    }

    final Collection<V> all() {
        return view.values();
    }

    final int size() {
        return view.size();
    }

    // ---- what the engine runs, under its view lock ----

    /** Replaces the view with every row of the table. */
    final void loadAll(Connection connection) throws SQLException {
        Map<String, V> loaded = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(selectAll);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String key = rows.getString(keyColumn);
                fromRow(rows).ifPresent(value -> loaded.put(key, value));
            }
        }
        for (String key : view.keySet()) {
            if (!loaded.containsKey(key)) {
                setView(key, null);
            }
        }
        loaded.forEach(this::setView);
    }

    /** Brings one key of the view in line with its row: the row's value, or nothing when there is no (valid) row. */
    final void reload(Connection connection, String key) throws SQLException {
        Optional<V> current;
        try (PreparedStatement statement = connection.prepareStatement(selectAll + " WHERE " + keyColumn + " = ?")) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                current = rows.next() ? fromRow(rows) : Optional.empty();
            }
        }
        setView(key, current.orElse(null));
    }

    /** Shows a committed write before the view could be reloaded (the database went away right after the commit). */
    final void show(String key, V value) {
        setView(key, value);
    }

    /** Hides a committed deletion before the view could be reloaded. */
    final void hide(String key) {
        setView(key, null);
    }

    /**
     * What a subclass keeps beside the view (an index) follows each change of a key, in the order the view saw them:
     * called inside the view's update of that key.
     *
     * @param previous the value before, null when there was none
     * @param current  the value after, null when the key is gone
     */
    protected void viewChanged(String key, V previous, V current) {
    }

    private void setView(String key, V value) {
        view.compute(key, (ignored, previous) -> {
            if (previous != value) {
                viewChanged(key, previous, value);
            }
            return value;
        });
    }
}
