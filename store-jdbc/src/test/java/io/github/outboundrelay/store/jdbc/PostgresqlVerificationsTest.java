package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.verification.Verifications;
import io.github.outboundrelay.core.verification.VerificationsContract;

class PostgresqlVerificationsTest implements VerificationsContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public Verifications verifications() {
        return stores.store().verifications();
    }
}
