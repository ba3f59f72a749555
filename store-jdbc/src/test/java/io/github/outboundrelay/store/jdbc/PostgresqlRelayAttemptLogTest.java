package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.RelayAttemptLogContract;

class PostgresqlRelayAttemptLogTest implements RelayAttemptLogContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public RelayAttemptLog log() {
        return stores.store().relayAttemptLog();
    }
}
