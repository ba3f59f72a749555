package io.github.outboundrelay.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh store per test, closed after it: on H2 in a folder of its own, or on a fresh embedded PostgreSQL database.
 * What the contract suites need from each database, written once.
 */
final class OpenStore implements BeforeEachCallback, AfterEachCallback {
    /** The store's configuration, given this test's own folder. */
    private final Function<Path, JdbcStoreConfiguration> configuration;
    private Path folder;
    private JdbcOutboundRelayStore store;

    private OpenStore(Function<Path, JdbcStoreConfiguration> configuration) {
        this.configuration = configuration;
    }

    static OpenStore h2() {
        return new OpenStore(TestDatabases::h2);
    }

    static OpenStore postgresql() {
        return new OpenStore(folder -> TestDatabases.freshPostgresDatabase());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        folder = Files.createTempDirectory("outbound-relay-store");
        store = JdbcOutboundRelayStore.open(configuration.apply(folder));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        store.close();
        deleteRecursively(folder);
    }

    JdbcOutboundRelayStore store() {
        return store;
    }

    /** The H2 folder of this test (for reopening the same database). */
    Path folder() {
        return folder;
    }

    private static void deleteRecursively(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
