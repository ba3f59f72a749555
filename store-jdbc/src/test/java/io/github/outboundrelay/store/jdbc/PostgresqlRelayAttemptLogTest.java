package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.RelayAttemptLog;
import io.github.outboundrelay.core.RelayAttemptLogContract;

class PostgresqlRelayAttemptLogTest implements RelayAttemptLogContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public RelayAttemptLog log() {
        return stores.store().relayAttemptLog();
    }
}
