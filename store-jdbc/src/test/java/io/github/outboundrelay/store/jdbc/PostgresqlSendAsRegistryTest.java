package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.SendAsRegistry;
import io.github.outboundrelay.core.SendAsRegistryContract;

class PostgresqlSendAsRegistryTest implements SendAsRegistryContract {
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
    public SendAsRegistry registry() {
        return store.sendAsRegistry();
    }
}
