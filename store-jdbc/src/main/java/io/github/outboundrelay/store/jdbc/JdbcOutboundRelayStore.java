package io.github.outboundrelay.store.jdbc;

import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * Send-as addresses, their verification states and domain policies in a database, with a full in-memory view.
 * <ul>
 *     <li><b>Reads</b> ({@link JdbcSendAsRegistry#find}, {@link JdbcDomainRelayPolicies#get},
 *     {@link JdbcVerifications#get}) are hash-map reads of the view: no database access on the per-mail path, and
 *     they keep answering while the database is down.</li>
 *     <li><b>Writes</b> go to the database in one transaction that takes the next store version and records the
 *     change in a change log; the view catches up before the write returns. A write that cannot reach the database
 *     throws {@link StoreUnavailableException} and changes nothing.</li>
 *     <li><b>Other nodes' writes</b> are picked up by polling the change log (every {@code pollInterval}, 200 ms by
 *     default).</li>
 * </ul>
 * The mechanics are {@link JdbcStoreEngine}'s; each entity kind is an {@link EntityTable} ({@link SendAsTable},
 * {@link DomainPolicyTable}, {@link VerificationTable}, {@link OAuthProviderTable}). Schema migrations are Flyway's ({@code db/outbound-relay},
 * history table {@code outbound_relay_schema_history}).
 * <p>
 * The audit trail, relay attempts ({@link JdbcRelayAttemptLog}) and configuration events ({@link JdbcSettingsEventLog}),
 * shares the database and its connection pool but none of the above: no view, no change log; it is written with plain
 * inserts, read with queries, and purged after {@code audit.retention} ({@link AuditRetention}).
 */
public final class JdbcOutboundRelayStore implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcOutboundRelayStore.class);

    private final JdbcStoreEngine engine;
    private final JdbcSendAsRegistry registry;
    private final JdbcDomainRelayPolicies domainPolicies;
    private final JdbcVerifications verifications;
    private final JdbcOAuthProviders oauthProviders;
    private final JdbcRelayAttemptLog relayAttempts;
    private final JdbcSettingsEventLog settingsEvents;
    private final JdbcRelaySendingLedger sendingLedger;
    private final AuditRetention auditRetention;
    private final StoreUpgrades upgrades;

    /**
     * Connects, migrates the schema, loads the whole view and starts polling.
     *
     * @throws StoreUnavailableException when the database cannot be reached or migrated
     */
    public static JdbcOutboundRelayStore open(JdbcStoreConfiguration configuration) {
        HikariDataSource dataSource = null;
        try {
            dataSource = StoreDatabase.connectAndMigrate(configuration);
            JdbcOutboundRelayStore store = new JdbcOutboundRelayStore(configuration, dataSource);
            store.engine.loadAll();
            store.engine.startPolling();
            store.auditRetention.start(AuditRetention.FIRST_PURGE_DELAY, AuditRetention.PURGE_INTERVAL);
            LOGGER.info("outbound-relay store: {} loaded from {} (version {})", store.engine.viewSummary(),
                configuration.safeUrl(), store.engine.seenVersion());
            return store;
        } catch (RuntimeException | SQLException e) {
            if (dataSource != null) {
                dataSource.close();
            }
            throw new StoreUnavailableException("Cannot open the outbound-relay store at " + configuration.safeUrl()
                + ": " + StoreDatabase.rootMessage(e), e);
        }
    }

    private JdbcOutboundRelayStore(JdbcStoreConfiguration configuration, HikariDataSource dataSource) {
        SendAsTable sendAs = new SendAsTable();
        DomainPolicyTable policies = new DomainPolicyTable();
        VerificationTable verificationStates = new VerificationTable();
        OAuthProviderTable providers = new OAuthProviderTable();
        this.engine = new JdbcStoreEngine(configuration, dataSource, List.of(sendAs, policies, verificationStates, providers));
        this.registry = new JdbcSendAsRegistry(engine, sendAs, verificationStates);
        this.domainPolicies = new JdbcDomainRelayPolicies(engine, policies);
        this.verifications = new JdbcVerifications(engine, verificationStates);
        this.oauthProviders = new JdbcOAuthProviders(engine, providers);
        this.relayAttempts = new JdbcRelayAttemptLog(dataSource, configuration.auditRetention(), Clock.systemUTC(),
            JdbcRelayAttemptLog.PAUSE_AFTER_CONNECTION_FAILURE);
        this.settingsEvents = new JdbcSettingsEventLog(dataSource);
        this.sendingLedger = new JdbcRelaySendingLedger(dataSource);
        this.auditRetention = new AuditRetention(configuration.auditRetention(), Clock.systemUTC(),
            List.of(relayAttempts, settingsEvents));
        this.upgrades = new StoreUpgrades(dataSource, Clock.systemUTC());
    }

    public JdbcSendAsRegistry sendAsRegistry() {
        return registry;
    }

    public JdbcDomainRelayPolicies domainRelayPolicies() {
        return domainPolicies;
    }

    public JdbcVerifications verifications() {
        return verifications;
    }

    public JdbcOAuthProviders oauthProviders() {
        return oauthProviders;
    }

    public JdbcRelayAttemptLog relayAttemptLog() {
        return relayAttempts;
    }

    public JdbcSettingsEventLog settingsEventLog() {
        return settingsEvents;
    }

    public JdbcRelaySendingLedger sendingLedger() {
        return sendingLedger;
    }

    AuditRetention auditRetention() {
        return auditRetention;
    }

    /**
     * Runs a one-time upgrade of the stored data ({@code upgrade}, idempotent) unless this store records that it
     * completed once, then records it: it never runs again, on any node.
     *
     * @throws StoreUnavailableException when the database cannot say whether it ran, or record that it did
     */
    public void runOnce(String name, Runnable upgrade) {
        upgrades.runOnce(name, upgrade);
    }

    /** Whether the last exchange with the database worked (the view may be stale while it did not). */
    public boolean isDatabaseReachable() {
        return engine.isDatabaseReachable();
    }

    /** The last store version reflected in this node's view. */
    public long seenVersion() {
        return engine.seenVersion();
    }

    @Override
    public void close() {
        auditRetention.close();
        settingsEvents.close();
        relayAttempts.close();
        engine.close();
    }
}
