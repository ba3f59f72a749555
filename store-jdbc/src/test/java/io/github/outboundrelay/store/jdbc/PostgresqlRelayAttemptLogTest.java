package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.RelayAttemptLog;
import io.github.outboundrelay.core.RelayAttemptLogContract;

class PostgresqlRelayAttemptLogTest implements RelayAttemptLogContract {
    JdbcOutboundRelayStore store;

    @BeforeEach
    void setUp() {
        store = JdbcOutboundRelayStore.open(TestDatabases.freshPostgresDatabase());
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Override
    public RelayAttemptLog log() {
        return store.relayAttemptLog();
    }
}
