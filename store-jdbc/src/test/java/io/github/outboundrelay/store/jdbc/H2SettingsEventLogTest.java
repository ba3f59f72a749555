package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.SettingsEventLog;
import io.github.outboundrelay.core.store.SettingsEventLogContract;

class H2SettingsEventLogTest implements SettingsEventLogContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.h2();

    @Override
    public SettingsEventLog log() {
        return stores.store().settingsEventLog();
    }

    @Test
    void eventsSurviveARestart() {
        log().record(SettingsEventLogContract.policyEvent(T0));
        stores.store().close();

        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(stores.folder()))) {
            assertThat(reopened.settingsEventLog().find(Optional.empty(), Instant.EPOCH, 0, 10))
                .containsExactly(SettingsEventLogContract.policyEvent(T0));
        }
    }

    @Test
    void recordOnAClosedStoreDropsTheEventWithoutThrowing() {
        stores.store().close();

        assertThatCode(() -> log().record(SettingsEventLogContract.numbered(Instant.now(), 1))).doesNotThrowAnyException();
    }
}
