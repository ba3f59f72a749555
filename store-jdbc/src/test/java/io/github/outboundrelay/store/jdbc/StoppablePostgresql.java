package io.github.outboundrelay.store.jdbc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL of one outage test: on a port and data directory of its own, so that the test stops it and starts
 * it again on the same data while stores stay connected to it.
 */
final class StoppablePostgresql implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    private StoppablePostgresql(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** Starts a new PostgreSQL in {@code dataDirectory} (empty) on a free port. */
    static StoppablePostgresql start(Path dataDirectory) throws IOException {
        StoppablePostgresql database = new StoppablePostgresql(dataDirectory, freePort());
        database.restart();
        return database;
    }

    /** A new database for a store, whose connections give up after one second while PostgreSQL is down. */
    JdbcStoreConfiguration freshDatabase() {
        return TestDatabases.freshDatabase(postgres).withConnectionTimeout(Duration.ofSeconds(1));
    }

    /** Stops PostgreSQL: clients' connections are cut, the data stays. */
    void stop() throws IOException {
        if (postgres != null) {
            EmbeddedPostgres running = postgres;
            postgres = null;
            running.close();
        }
    }

    /** Starts PostgreSQL on the same port and data directory as before. */
    void restart() throws IOException {
        if (postgres != null) {
            throw new IllegalStateException("PostgreSQL is already running");
        }
        postgres = EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            .start();
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
