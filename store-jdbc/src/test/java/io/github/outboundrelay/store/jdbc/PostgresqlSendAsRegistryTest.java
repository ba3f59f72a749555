package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.SendAsRegistryContract;

class PostgresqlSendAsRegistryTest implements SendAsRegistryContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public SendAsRegistry registry() {
        return stores.store().sendAsRegistry();
    }
}
