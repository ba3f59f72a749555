package io.github.outboundrelay.store.jdbc;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.SendAsRegistry;
import io.github.outboundrelay.core.SendAsRegistryContract;

class H2SendAsRegistryTest implements SendAsRegistryContract {
    @TempDir
    Path folder;
    JdbcOutboundRelayStore store;

    @BeforeEach
    void setUp() {
        store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder));
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
