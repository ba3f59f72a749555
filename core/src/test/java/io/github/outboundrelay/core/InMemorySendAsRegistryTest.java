package io.github.outboundrelay.core;

import org.junit.jupiter.api.BeforeEach;

class InMemorySendAsRegistryTest implements SendAsRegistryContract {
    InMemorySendAsRegistry registry;

    @BeforeEach
    void setUp() {
        registry = new InMemorySendAsRegistry();
    }

    @Override
    public SendAsRegistry registry() {
        return registry;
    }
}
