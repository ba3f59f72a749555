package io.github.outboundrelay.core.verification;

import org.junit.jupiter.api.BeforeEach;

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
