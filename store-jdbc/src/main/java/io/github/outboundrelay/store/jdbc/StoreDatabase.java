package io.github.outboundrelay.store.jdbc;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The store's database: a HikariCP pool on the configured URL, with the schema brought up to date by Flyway
 * ({@code db/outbound-relay}, history table {@code outbound_relay_schema_history}).
 */
final class StoreDatabase {
    static final String MIGRATIONS = "classpath:db/outbound-relay";
    static final String HISTORY_TABLE = "outbound_relay_schema_history";

    private StoreDatabase() {
    }

    /** Connects and migrates; the pool is closed again when migrating fails. */
    static HikariDataSource connectAndMigrate(JdbcStoreConfiguration configuration) {
        HikariDataSource dataSource = new HikariDataSource(hikari(configuration));
        try {
            Flyway.configure(StoreDatabase.class.getClassLoader())
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(false)
                .load()
                .migrate();
            return dataSource;
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
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

    /** The innermost cause, named by class and message: what a log line or an error should say. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
