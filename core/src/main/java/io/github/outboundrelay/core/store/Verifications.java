package io.github.outboundrelay.core.store;

import java.util.Optional;

import io.github.outboundrelay.core.verification.Verification;

/**
 * Where verification states are kept, keyed by the address's {@link io.github.outboundrelay.core.SendAsKey}.
 * {@link #get} is on the per-mail path: implementations answer it from memory.
 */
public interface Verifications {
    Optional<Verification> get(String addressKey);

    void put(String addressKey, Verification verification);

    void remove(String addressKey);
}
