package io.github.outboundrelay.store.jdbc;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.github.outboundrelay.core.store.StoreUnavailableException;

/** How the store tests wait for what another thread or node does. */
final class Eventually {
    private Eventually() {
    }

    /** Polls {@code condition} every 10 ms until it holds, as {@link #await(Duration, Duration, BooleanSupplier)}. */
    static void await(Duration patience, BooleanSupplier condition) throws InterruptedException {
        await(patience, Duration.ofMillis(10), condition);
    }

    /**
     * Polls {@code condition} every {@code interval} until it holds; a store that is not reachable yet
     * ({@link StoreUnavailableException}) counts as not yet.
     */
    static void await(Duration patience, Duration interval, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + patience);
            }
            Thread.sleep(interval.toMillis());
        }
    }

    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (StoreUnavailableException e) {
            return false;
        }
    }
}
