package io.github.outboundrelay.core.store.memory;

import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.store.Verifications;
import io.github.outboundrelay.core.store.VerificationsContract;

class InMemoryVerificationsTest implements VerificationsContract {
    InMemoryVerifications verifications;

    @BeforeEach
    void setUp() {
        verifications = new InMemoryVerifications();
    }

    @Override
    public Verifications verifications() {
        return verifications;
    }
}
