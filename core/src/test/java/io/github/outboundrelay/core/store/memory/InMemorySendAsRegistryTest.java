package io.github.outboundrelay.core.store.memory;

import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.SendAsRegistryContract;

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
