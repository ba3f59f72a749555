package io.github.outboundrelay.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.flywaydb.core.Flyway;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Databases for the store tests: H2 files in a temporary folder, and a real PostgreSQL (binaries from Maven Central,
 * started once per test JVM) in which every test gets a database of its own.
 */
final class TestDatabases {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    /** The store's schema up to {@code version} only, as an earlier release left it (for migration tests). */
    static void migrateTo(JdbcStoreConfiguration configuration, String version) {
        Flyway.configure(TestDatabases.class.getClassLoader())
            .dataSource(configuration.url(), configuration.username(), configuration.password())
            .locations(StoreDatabase.MIGRATIONS).table(StoreDatabase.HISTORY_TABLE).target(version).load().migrate();
    }

    static JdbcStoreConfiguration h2(Path folder) {
        return JdbcStoreConfiguration.h2(OutboundRelayStoreConfiguration.defaultH2Url(folder.toString()))
            .withPollInterval(Duration.ofMillis(50));
    }

    static synchronized EmbeddedPostgres sharedPostgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM is going away
                }
            }));
        }
        return postgres;
    }

    /** A new, empty database in the shared PostgreSQL. */
    static JdbcStoreConfiguration freshPostgresDatabase() {
        return freshDatabase(sharedPostgres());
    }

    static JdbcStoreConfiguration freshDatabase(EmbeddedPostgres postgres) {
        String name = "outbound_relay_" + DATABASES.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return postgresql(postgres, name);
    }

    static JdbcStoreConfiguration postgresql(EmbeddedPostgres postgres, String database) {
        return new JdbcStoreConfiguration(postgres.getJdbcUrl("postgres", database), "postgres", "", 4,
            Duration.ofMillis(200), Duration.ofSeconds(2));
    }
}
