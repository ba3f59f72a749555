package io.github.outboundrelay.core.store.memory;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.outboundrelay.core.store.Verifications;
import io.github.outboundrelay.core.verification.Verification;

public class InMemoryVerifications implements Verifications {
    private final ConcurrentHashMap<String, Verification> states = new ConcurrentHashMap<>();

    @Override
    public Optional<Verification> get(String addressKey) {
        return Optional.ofNullable(states.get(addressKey));
    }

    @Override
    public void put(String addressKey, Verification verification) {
        states.put(addressKey, verification);
    }

    @Override
    public void remove(String addressKey) {
        states.remove(addressKey);
    }
}
