package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.RelayAttemptLog;
import io.github.outboundrelay.core.RelayAttemptLogContract;

class H2RelayAttemptLogTest implements RelayAttemptLogContract {
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
    public RelayAttemptLog log() {
        return store.relayAttemptLog();
    }

    @Test
    void recordOnAClosedStoreDropsTheAttemptWithoutThrowing() {
        store.close();

        assertThatCode(() -> log().record(RelayAttemptLogContract.attempt(Instant.now(), ALICE, "alice@partner.test")))
            .doesNotThrowAnyException();
    }
}
