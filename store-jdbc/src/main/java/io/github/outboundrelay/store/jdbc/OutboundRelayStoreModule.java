package io.github.outboundrelay.store.jdbc;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.github.outboundrelay.core.OutboundRelayModule;
import io.github.outboundrelay.core.secrets.OwnerOnlyFiles;
import io.github.outboundrelay.core.secrets.SecretBindingUpgrade;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.RelaySendingLedger;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.SettingsEventLog;
import io.github.outboundrelay.core.store.Verifications;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog;
import io.github.outboundrelay.core.store.memory.InMemoryRelaySendingLedger;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;

/**
 * The extension's store module, listed in {@code extensions.properties} beside {@link OutboundRelayModule} (which binds
 * no store): the
 * send-as registry, the send-as verification states, domain policies and the audit trail (relay attempts, configuration events) in the
 * store chosen by {@code outbound-relay.properties} ({@code store=jdbc}: H2 file under var/ by default, or PostgreSQL;
 * {@code store=memory}: nothing persisted, the newest attempts of this node only). Named in
 * {@code extensions.properties} after the core module:
 * <pre>guice.extension.module=io.github.outboundrelay.core.OutboundRelayModule
 *guice.extension.module=io.github.outboundrelay.store.jdbc.OutboundRelayStoreModule</pre>
 * The store is opened when James builds the extension's objects at start-up: a bad value, or a database that cannot
 * be reached, stops James with an error naming the key or the database.
 */
public class OutboundRelayStoreModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutboundRelayStoreModule.class);
    /** The name {@link SecretBindingUpgrade} is recorded under when it completed (outbound_relay_upgrade). */
    static final String SECRET_BINDING_UPGRADE = "secret-binding";

    @Provides
    @Singleton
    OutboundRelayStoreConfiguration storeConfiguration(PropertiesProvider propertiesProvider, JamesDirectoriesProvider directories) {
        try {
            return OutboundRelayStoreConfiguration.from(propertiesProvider.getConfiguration(OutboundRelayStoreConfiguration.FILE_NAME),
                directories.getVarDirectory());
        } catch (FileNotFoundException | PropertiesProvider.MissingConfigurationFile e) {
            LOGGER.info("outbound-relay: no {}.properties, using the embedded H2 store under {}",
                OutboundRelayStoreConfiguration.FILE_NAME, directories.getVarDirectory());
            return OutboundRelayStoreConfiguration.defaults(directories.getVarDirectory());
        } catch (ConfigurationException e) {
            throw new IllegalStateException(OutboundRelayStoreConfiguration.FILE_NAME + ".properties cannot be read: " + e.getMessage(), e);
        }
    }

    @Provides
    @Singleton
    OutboundRelayStores stores(OutboundRelayStoreConfiguration configuration) {
        return OutboundRelayStores.open(configuration);
    }

    @Provides
    @Singleton
    SendAsRegistry sendAsRegistry(OutboundRelayStores stores, SecretSealer sealer) {
        // Before anything reads a secret, once per store: the ones stored bound to their address only (before schema V10)
        // are bound to their relay account; afterwards a secret sealed that way never opens. The memory store starts
        // empty at every start: nothing in it was ever sealed the old way.
        if (stores.jdbcStore() != null) {
            stores.jdbcStore().runOnce(SECRET_BINDING_UPGRADE, () -> SecretBindingUpgrade.run(stores.sendAsRegistry(), sealer));
        }
        return stores.sendAsRegistry();
    }

    @Provides
    @Singleton
    DomainRelayPolicies domainRelayPolicies(OutboundRelayStores stores) {
        return stores.domainRelayPolicies();
    }

    @Provides
    @Singleton
    Verifications verifications(OutboundRelayStores stores) {
        return stores.verifications();
    }

    @Provides
    @Singleton
    OAuthProviders oauthProviders(OutboundRelayStores stores) {
        return stores.oauthProviders();
    }

    @Provides
    @Singleton
    RelayAttemptLog relayAttemptLog(OutboundRelayStores stores) {
        return stores.relayAttemptLog();
    }

    @Provides
    @Singleton
    SettingsEventLog settingsEventLog(OutboundRelayStores stores) {
        return stores.settingsEventLog();
    }

    /**
     * The per-user sending limit's ledger: in the database with the JDBC store, so that the limit holds across the
     * nodes; in this node's memory with {@code store=memory}.
     */
    @Provides
    @Singleton
    RelaySendingLedger sendingLedger(OutboundRelayStores stores) {
        return stores.jdbcStore() != null ? stores.jdbcStore().sendingLedger() : new InMemoryRelaySendingLedger();
    }

    /** The stores in use, and the JDBC store behind them if any (for health checks, tests). */
    public record OutboundRelayStores(SendAsRegistry sendAsRegistry, DomainRelayPolicies domainRelayPolicies,
                                      Verifications verifications, RelayAttemptLog relayAttemptLog,
                                      OAuthProviders oauthProviders, SettingsEventLog settingsEventLog,
                                      JdbcOutboundRelayStore jdbcStore) {
        static OutboundRelayStores open(OutboundRelayStoreConfiguration configuration) {
            if (configuration.store() == OutboundRelayStoreConfiguration.StoreKind.MEMORY) {
                LOGGER.warn("outbound-relay: store=memory, send-as addresses, their verification, domain policies and the"
                    + " audit trail are lost when James stops");
                return new OutboundRelayStores(new InMemorySendAsRegistry(), new InMemoryDomainRelayPolicies(),
                    new InMemoryVerifications(), new InMemoryRelayAttemptLog(), new InMemoryOAuthProviders(),
                    new InMemorySettingsEventLog(), null);
            }
            // H2 creates its files with the process's umask (often world-readable): their folder is the owner's only.
            configuration.jdbc().h2FileDirectory().ifPresent(OwnerOnlyFiles::secureDirectory);
            LOGGER.info("outbound-relay: opening the JDBC store {}", configuration.jdbc());
            JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(configuration.jdbc());
            Runtime.getRuntime().addShutdownHook(new Thread(store::close, "outbound-relay-store-close"));
            return new OutboundRelayStores(store.sendAsRegistry(), store.domainRelayPolicies(), store.verifications(),
                store.relayAttemptLog(), store.oauthProviders(), store.settingsEventLog(), store);
        }
    }
}
