package io.github.outboundrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL (binaries from Maven Central, no Docker) on a fixed port and data directory, so that it can be
 * stopped and started again on the same data, as an outage of the database shared by the James nodes. It holds one
 * database owned by a role of its own, as an admin would set it up for James.
 */
public final class RestartablePostgresql implements AutoCloseable {
    public static final String DATABASE = "james_outbound_relay";
    public static final String USER = "james";
    public static final String PASSWORD = "db-secret-of-james";

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    private RestartablePostgresql(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** Starts a new PostgreSQL in {@code dataDirectory} on a free port, with the role and database James uses. */
    public static RestartablePostgresql startNew(Path dataDirectory) {
        RestartablePostgresql database = new RestartablePostgresql(dataDirectory, SmtpPeer.freePort());
        database.start();
        try (Connection connection = database.postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare the test database", e);
        }
        return database;
    }

    /** What each James node's {@code outbound-relay.properties} names. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    /** Starts PostgreSQL on the same port and data directory as before. */
    public synchronized void start() {
        if (postgres != null) {
            throw new IllegalStateException("PostgreSQL is already running");
        }
        try {
            postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops PostgreSQL (pg_ctl stop, fast mode): clients' connections are cut, the data stays. */
    public synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                postgres = null;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

}
