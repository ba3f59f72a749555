package io.github.outboundrelay.mailets.smtp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.github.outboundrelay.mailets.smtp.RelaySessionKey.RelayEndpoint;

/**
 * The {@code maxConnectionsPerRelay} cap: one permit per session carrying a mail to a host and port, whichever account
 * it is for, held from {@link RelaySessionPool#acquire} until the session is released or discarded. Idle pooled
 * sessions hold none (the pool bounds them with {@code poolMaxIdleSessionsPerRelay}), so the cap limits deliveries in
 * progress, like Postfix's destination concurrency limit. Relay host names are chosen by users, so a relay's entry
 * lives only while some thread holds or waits for one of its permits: the map never holds more entries than there
 * are delivery threads.
 */
final class RelayConnectionSlots {
    /** A relay's permits and how many threads hold or wait for one of them. */
    private static final class Slots {
        final Semaphore permits;
        int users;

        Slots(int maxPerRelay) {
            this.permits = new Semaphore(maxPerRelay, true);
        }
    }

    private final int maxPerRelay;
    private final Map<RelayEndpoint, Slots> slots = new ConcurrentHashMap<>();

    RelayConnectionSlots(int maxPerRelay) {
        this.maxPerRelay = maxPerRelay;
    }

    boolean tryAcquire(RelayEndpoint relay, Duration wait) throws InterruptedException {
        Slots relaySlots = slots.compute(relay, (key, existing) -> {
            Slots entry = existing == null ? new Slots(maxPerRelay) : existing;
            entry.users++;
            return entry;
        });
        boolean acquired = false;
        try {
            acquired = relaySlots.permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
            return acquired;
        } finally {
            if (!acquired) {
                leave(relay);
            }
        }
    }

    void release(RelayEndpoint relay) {
        Slots relaySlots = slots.get(relay);
        if (relaySlots != null) {
            relaySlots.permits.release();
            leave(relay);
        }
    }

    int inUse(RelayEndpoint relay) {
        Slots relaySlots = slots.get(relay);
        return relaySlots == null ? 0 : maxPerRelay - relaySlots.permits.availablePermits();
    }

    /** Relays with a permit held or awaited right now. */
    int trackedRelays() {
        return slots.size();
    }

    private void leave(RelayEndpoint relay) {
        slots.computeIfPresent(relay, (key, entry) -> --entry.users == 0 ? null : entry);
    }
}
