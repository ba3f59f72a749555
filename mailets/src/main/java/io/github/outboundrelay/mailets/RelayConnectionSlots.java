package io.github.outboundrelay.mailets;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.github.outboundrelay.mailets.RelaySessionKey.RelayEndpoint;

/**
 * The {@code maxConnectionsPerRelay} cap: one permit per session carrying a mail to a host and port, whichever account
 * it is for, held from {@link RelaySessionPool#acquire} until the session is released or discarded. Idle pooled
 * sessions hold none (the pool bounds them with {@code poolMaxIdleSessionsPerRelay}), so the cap limits deliveries in
 * progress, like Postfix's destination concurrency limit. Relays are few (one per partner domain), so the map of
 * semaphores is never trimmed.
 */
final class RelayConnectionSlots {
    private final int maxPerRelay;
    private final Map<RelayEndpoint, Semaphore> slots = new ConcurrentHashMap<>();

    RelayConnectionSlots(int maxPerRelay) {
        this.maxPerRelay = maxPerRelay;
    }

    boolean tryAcquire(RelayEndpoint relay, Duration wait) throws InterruptedException {
        return semaphore(relay).tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    void release(RelayEndpoint relay) {
        semaphore(relay).release();
    }

    int inUse(RelayEndpoint relay) {
        return maxPerRelay - semaphore(relay).availablePermits();
    }

    private Semaphore semaphore(RelayEndpoint relay) {
        return slots.computeIfAbsent(relay, ignored -> new Semaphore(maxPerRelay, true));
    }
}
