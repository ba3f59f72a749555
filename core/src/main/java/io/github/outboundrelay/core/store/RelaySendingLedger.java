package io.github.outboundrelay.core.store;

import java.time.Duration;
import java.time.Instant;

import org.apache.james.core.Username;

import io.github.outboundrelay.core.store.memory.InMemoryRelaySendingLedger;

/**
 * What each user sent through send-as relays lately, as the per-user sending limit ({@code maxRelayedPerUser} per
 * {@code maxRelayedPerUserWindow}) counts it: in memory on one node ({@link InMemoryRelaySendingLedger}), or in the
 * shared store, where it counts across every node.
 */
public interface RelaySendingLedger {
    /**
     * Counts {@code recipients} relayed recipients of {@code user} at {@code at} if, with those counted in the window
     * ending then, they stay within {@code limit}; a refused mail is not counted.
     *
     * @return whether they were counted (the mail may be relayed)
     */
    boolean tryCount(Username user, int recipients, int limit, Duration window, Instant at);

    /** Whether every node counts in this ledger (the limit then holds across the nodes). */
    boolean sharedByNodes();
}
