package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SealedSecret;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.SendAsRegistry.AddressOwnedByAnotherUserException;
import io.github.outboundrelay.core.StoreUnavailableException;

/**
 * Send-as addresses and domain policies in a database, with a full in-memory view.
 * <ul>
 *     <li><b>Reads</b> ({@link JdbcSendAsRegistry#find}, {@link JdbcDomainRelayPolicies#get}) are hash-map reads of the
 *     view: no database access on the per-mail path, and they keep answering while the database is down.</li>
 *     <li><b>Writes</b> go to the database in one transaction that also takes the next store version (a single
 *     counter row whose lock serializes writers, on every node) and records the change in a change log; then the
 *     view catches up before the write returns, so the writer's next read sees it. A write that cannot reach the
 *     database throws {@link StoreUnavailableException} and changes nothing.</li>
 *     <li><b>Other nodes' writes</b> are picked up by a poller that reads the change log past the last version it
 *     has seen (every {@code pollInterval}, 200 ms by default) and reloads only the entities named there.</li>
 * </ul>
 * Schema migrations are Flyway's ({@code db/outbound-relay}, history table {@code outbound_relay_schema_history}).
 */
public final class JdbcOutboundRelayStore implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcOutboundRelayStore.class);
    static final String MIGRATIONS = "classpath:db/outbound-relay";
    static final String HISTORY_TABLE = "outbound_relay_schema_history";
    private static final String SEND_AS = "send_as";
    private static final String POLICY = "policy";
    private static final int CHANGES_PER_READ = 1000;
    private static final String SEND_AS_COLUMNS = "address_key, address, owner_name, relay_host, relay_port, relay_security,"
        + " relay_username, password_key_id, password_sealed";

    private final JdbcStoreConfiguration configuration;
    private final HikariDataSource dataSource;
    private final ConcurrentHashMap<String, SendAsAddress> sendAsByKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Domain, DomainRelayPolicy> policies = new ConcurrentHashMap<>();
    /** Held while the view is changed from the database: the poller and a writer's catch-up never interleave. */
    private final ReentrantLock viewLock = new ReentrantLock();
    /** Writers of this node go one at a time (other nodes are serialized by the version row). */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean databaseReachable = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService poller;
    private final JdbcSendAsRegistry registry;
    private final JdbcDomainRelayPolicies domainPolicies;
    private volatile long seenVersion;

    /**
     * Connects, migrates the schema, loads the whole view and starts polling.
     *
     * @throws StoreUnavailableException when the database cannot be reached or migrated
     */
    public static JdbcOutboundRelayStore open(JdbcStoreConfiguration configuration) {
        HikariDataSource dataSource = null;
        try {
            dataSource = new HikariDataSource(hikari(configuration));
            Flyway.configure(JdbcOutboundRelayStore.class.getClassLoader())
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(false)
                .load()
                .migrate();
            JdbcOutboundRelayStore store = new JdbcOutboundRelayStore(configuration, dataSource);
            store.loadAll();
            store.startPolling();
            LOGGER.info("outbound-relay store: {} send-as addresses and {} domain policies loaded from {} (version {})",
                store.sendAsByKey.size(), store.policies.size(), configuration.safeUrl(), store.seenVersion);
            return store;
        } catch (RuntimeException | SQLException e) {
            if (dataSource != null) {
                dataSource.close();
            }
            throw new StoreUnavailableException("Cannot open the outbound-relay store at " + configuration.safeUrl()
                + ": " + rootMessage(e), e);
        }
    }

    private JdbcOutboundRelayStore(JdbcStoreConfiguration configuration, HikariDataSource dataSource) {
        this.configuration = configuration;
        this.dataSource = dataSource;
        this.registry = new JdbcSendAsRegistry(this);
        this.domainPolicies = new JdbcDomainRelayPolicies(this);
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbound-relay-store-poller");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static HikariConfig hikari(JdbcStoreConfiguration configuration) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("outbound-relay-store");
        hikari.setJdbcUrl(configuration.url());
        // Named by class, not looked up through DriverManager: James loads extensions in a class loader of their own.
        hikari.setDriverClassName(configuration.isPostgresql() ? org.postgresql.Driver.class.getName() : org.h2.Driver.class.getName());
        if (configuration.username() != null) {
            hikari.setUsername(configuration.username());
        }
        hikari.setPassword(configuration.password());
        hikari.setMaximumPoolSize(configuration.poolSize());
        hikari.setMinimumIdle(Math.min(1, configuration.poolSize()));
        long timeoutMillis = configuration.connectionTimeout().toMillis();
        hikari.setConnectionTimeout(timeoutMillis);
        hikari.setValidationTimeout(Math.max(250, timeoutMillis / 2));
        // Fail the start at once when the database is not there, instead of an empty view.
        hikari.setInitializationFailTimeout(timeoutMillis);
        if (configuration.isPostgresql()) {
            long timeoutSeconds = Math.max(1, (timeoutMillis + 999) / 1000);
            hikari.addDataSourceProperty("connectTimeout", String.valueOf(timeoutSeconds));
            // A silently dead server must not hang the poller or a writer forever.
            hikari.addDataSourceProperty("socketTimeout", "30");
            hikari.addDataSourceProperty("ApplicationName", "james-outbound-relay");
        }
        return hikari;
    }

    public JdbcSendAsRegistry sendAsRegistry() {
        return registry;
    }

    public JdbcDomainRelayPolicies domainRelayPolicies() {
        return domainPolicies;
    }

    /** Whether the last exchange with the database worked (the view may be stale while it did not). */
    public boolean isDatabaseReachable() {
        return databaseReachable.get();
    }

    /** The last store version reflected in this node's view. */
    public long seenVersion() {
        return seenVersion;
    }

    // ---- reads: memory only ----

    Optional<SendAsAddress> findSendAs(MailAddress address) {
        return Optional.ofNullable(sendAsByKey.get(SendAsKey.of(address)));
    }

    Collection<SendAsAddress> allSendAs() {
        return sendAsByKey.values();
    }

    Optional<DomainRelayPolicy> findPolicy(Domain domain) {
        return Optional.ofNullable(policies.get(domain));
    }

    // ---- writes ----

    void register(SendAsAddress sendAs) {
        write("register a send-as address", (connection, version) -> {
            Optional<Username> owner = ownerOf(connection, sendAs.key());
            if (owner.isPresent() && !sendAs.isOwnedBy(owner.get())) {
                throw new AddressOwnedByAnotherUserException(sendAs.address());
            }
            if (owner.isPresent()) {
                update(connection, "UPDATE outbound_relay_send_as SET address = ?, owner_name = ?, relay_host = ?, relay_port = ?,"
                    + " relay_security = ?, relay_username = ?, password_key_id = ?, password_sealed = ?, changed_version = ?"
                    + " WHERE address_key = ?", sendAsParameters(sendAs, version, false));
            } else {
                update(connection, "INSERT INTO outbound_relay_send_as (" + SEND_AS_COLUMNS + ", changed_version)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sendAsParameters(sendAs, version, true));
            }
            recordChange(connection, version, SEND_AS, sendAs.key());
            return true;
        }, () -> sendAsByKey.put(sendAs.key(), sendAs));
    }

    boolean remove(Username owner, MailAddress address) {
        String key = SendAsKey.of(address);
        return write("remove a send-as address", (connection, version) -> {
            Optional<Username> current = ownerOf(connection, key);
            if (current.isEmpty() || !current.get().equals(owner)) {
                return false;
            }
            update(connection, "DELETE FROM outbound_relay_send_as WHERE address_key = ?", key);
            recordChange(connection, version, SEND_AS, key);
            return true;
        }, () -> sendAsByKey.remove(key));
    }

    void setPolicy(DomainRelayPolicy policy) {
        String domain = policy.domain().asString();
        write("set a domain policy", (connection, version) -> {
            int updated = update(connection, "UPDATE outbound_relay_domain_policy SET relay_allowed = ?, insecure_relay_allowed = ?,"
                + " changed_version = ? WHERE domain_name = ?", policy.relayAllowed(), policy.insecureRelayAllowed(), version, domain);
            if (updated == 0) {
                update(connection, "INSERT INTO outbound_relay_domain_policy (domain_name, relay_allowed, insecure_relay_allowed,"
                    + " changed_version) VALUES (?, ?, ?, ?)", domain, policy.relayAllowed(), policy.insecureRelayAllowed(), version);
            }
            recordChange(connection, version, POLICY, domain);
            return true;
        }, () -> policies.put(policy.domain(), policy));
    }

    @FunctionalInterface
    private interface Work {
        /** @return whether something changed (false: the transaction is rolled back and no version is used) */
        boolean run(Connection connection, long version) throws SQLException;
    }

    private boolean write(String operation, Work work, Runnable applyToView) {
        if (closed.get()) {
            throw new StoreUnavailableException("The outbound-relay store is closed: could not " + operation);
        }
        writeLock.lock();
        try {
            boolean changed;
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    long version = nextVersion(connection);
                    changed = work.run(connection, version);
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
            return changed;
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

    private static long nextVersion(Connection connection) throws SQLException {
        update(connection, "UPDATE outbound_relay_version SET current_version = current_version + 1 WHERE id = 1");
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

    private static Optional<Username> ownerOf(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT owner_name FROM outbound_relay_send_as WHERE address_key = ?")) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(Username.of(rows.getString(1))) : Optional.empty();
            }
        }
    }

    private static void recordChange(Connection connection, long version, String kind, String key) throws SQLException {
        update(connection, "INSERT INTO outbound_relay_change (change_version, entity_kind, entity_key) VALUES (?, ?, ?)", version, kind, key);
    }

    private static Object[] sendAsParameters(SendAsAddress sendAs, long version, boolean insert) {
        Object[] values = {sendAs.address().asString(), sendAs.owner().asString(), sendAs.relay().host(), sendAs.relay().port(),
            sendAs.relay().security().name(), sendAs.relayUsername(), sendAs.relayPassword().keyId(), sendAs.relayPassword().sealed(),
            version};
        List<Object> parameters = new ArrayList<>();
        if (insert) {
            parameters.add(sendAs.key());
            parameters.addAll(List.of(values));
        } else {
            parameters.addAll(List.of(values));
            parameters.add(sendAs.key());
        }
        return parameters.toArray();
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken: nothing was committed
        }
    }

    // ---- the view: full load, then changes past the last seen version ----

    private void loadAll() throws SQLException {
        viewLock.lock();
        try (Connection connection = dataSource.getConnection()) {
            // The version first: every change up to it is committed, so the rows read next reflect it (or later
            // changes, which the poller reloads again).
            long version = currentVersion(connection);
            Map<String, SendAsAddress> loadedSendAs = new ConcurrentHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + SEND_AS_COLUMNS + " FROM outbound_relay_send_as");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    toSendAs(rows).ifPresent(sendAs -> loadedSendAs.put(sendAs.key(), sendAs));
                }
            }
            Map<Domain, DomainRelayPolicy> loadedPolicies = new ConcurrentHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(
                     "SELECT domain_name, relay_allowed, insecure_relay_allowed FROM outbound_relay_domain_policy");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    DomainRelayPolicy policy = toPolicy(rows);
                    loadedPolicies.put(policy.domain(), policy);
                }
            }
            sendAsByKey.keySet().retainAll(loadedSendAs.keySet());
            sendAsByKey.putAll(loadedSendAs);
            policies.keySet().retainAll(loadedPolicies.keySet());
            policies.putAll(loadedPolicies);
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
                Set<String> sendAsKeys = new LinkedHashSet<>();
                Set<String> domains = new LinkedHashSet<>();
                for (Change change : changes) {
                    (SEND_AS.equals(change.kind()) ? sendAsKeys : domains).add(change.key());
                }
                for (String key : sendAsKeys) {
                    Optional<SendAsAddress> current = loadSendAs(connection, key);
                    if (current.isPresent()) {
                        sendAsByKey.put(key, current.get());
                    } else {
                        sendAsByKey.remove(key);
                    }
                }
                for (String domain : domains) {
                    Optional<DomainRelayPolicy> current = loadPolicy(connection, domain);
                    if (current.isPresent()) {
                        policies.put(current.get().domain(), current.get());
                    } else {
                        policies.remove(Domain.of(domain));
                    }
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

    private record Change(long version, String kind, String key) {
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

    private static Optional<SendAsAddress> loadSendAs(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + SEND_AS_COLUMNS
            + " FROM outbound_relay_send_as WHERE address_key = ?")) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? toSendAs(rows) : Optional.empty();
            }
        }
    }

    private static Optional<DomainRelayPolicy> loadPolicy(Connection connection, String domain) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT domain_name, relay_allowed, insecure_relay_allowed"
            + " FROM outbound_relay_domain_policy WHERE domain_name = ?")) {
            statement.setString(1, domain);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(toPolicy(rows)) : Optional.empty();
            }
        }
    }

    private static Optional<SendAsAddress> toSendAs(ResultSet rows) throws SQLException {
        String key = rows.getString("address_key");
        try {
            return Optional.of(new SendAsAddress(new MailAddress(rows.getString("address")), Username.of(rows.getString("owner_name")),
                new RelayServer(rows.getString("relay_host"), rows.getInt("relay_port"), RelaySecurity.valueOf(rows.getString("relay_security"))),
                rows.getString("relay_username"),
                new SealedSecret(rows.getString("password_key_id"), rows.getString("password_sealed"))));
        } catch (Exception e) {
            // Only written by this store, so only a hand-edited row gets here: skip it, loudly, without its values.
            LOGGER.error("outbound-relay store: the stored send-as address {} is invalid and is ignored ({})", key, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static DomainRelayPolicy toPolicy(ResultSet rows) throws SQLException {
        return new DomainRelayPolicy(Domain.of(rows.getString("domain_name")), rows.getBoolean("relay_allowed"),
            rows.getBoolean("insecure_relay_allowed"));
    }

    private void startPolling() {
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
                + " ({} send-as addresses, {} domain policies, version {}), writes fail until it is back",
                configuration.safeUrl(), rootMessage(e), sendAsByKey.size(), policies.size(), seenVersion);
        }
    }

    private void markReachable() {
        if (databaseReachable.compareAndSet(false, true)) {
            LOGGER.info("outbound-relay store: the database at {} answers again (view at version {})", configuration.safeUrl(), seenVersion);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
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
