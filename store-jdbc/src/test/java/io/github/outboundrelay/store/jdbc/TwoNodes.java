package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two stores on one fresh PostgreSQL database, as two James nodes: opened before each test, closed after it.
 * {@code @RegisterExtension final TwoNodes nodes = new TwoNodes();}
 */
final class TwoNodes implements BeforeEachCallback, AfterEachCallback {
    private JdbcStoreConfiguration database;
    private JdbcOutboundRelayStore a;
    private JdbcOutboundRelayStore b;

    @Override
    public void beforeEach(ExtensionContext context) {
        database = TestDatabases.freshPostgresDatabase();
        a = JdbcOutboundRelayStore.open(database);
        b = JdbcOutboundRelayStore.open(database);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        a.close();
        b.close();
    }

    JdbcStoreConfiguration database() {
        return database;
    }

    JdbcOutboundRelayStore a() {
        return a;
    }

    JdbcOutboundRelayStore b() {
        return b;
    }
}
