package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.SettingsEventLog;
import io.github.outboundrelay.core.store.SettingsEventLogContract;

class PostgresqlSettingsEventLogTest implements SettingsEventLogContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public SettingsEventLog log() {
        return stores.store().settingsEventLog();
    }
}
