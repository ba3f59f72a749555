package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.verification.Verifications;
import io.github.outboundrelay.core.verification.VerificationsContract;

class PostgresqlVerificationsTest implements VerificationsContract {
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
    public Verifications verifications() {
        return store.verifications();
    }
}
