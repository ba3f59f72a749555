package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.RelayAttemptLogContract;

class H2RelayAttemptLogTest implements RelayAttemptLogContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.h2();

    @Override
    public RelayAttemptLog log() {
        return stores.store().relayAttemptLog();
    }

    @Test
    void recordOnAClosedStoreDropsTheAttemptWithoutThrowing() {
        stores.store().close();

        assertThatCode(() -> log().record(RelayAttemptLogContract.attempt(Instant.now(), ALICE, "alice@partner.test")))
            .doesNotThrowAnyException();
    }
}
