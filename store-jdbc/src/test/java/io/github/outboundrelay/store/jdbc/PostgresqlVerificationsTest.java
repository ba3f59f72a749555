package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.Verifications;
import io.github.outboundrelay.core.store.VerificationsContract;

class PostgresqlVerificationsTest implements VerificationsContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public Verifications verifications() {
        return stores.store().verifications();
    }
}
