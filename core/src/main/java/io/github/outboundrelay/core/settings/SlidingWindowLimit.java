package io.github.outboundrelay.core.settings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * At most {@code max} events per key within a sliding {@code window}, in memory (per node). Keys may be chosen by
 * users (relay host names): at most {@link #MAX_KEYS} are tracked; past that, expired ones are dropped and, if none
 * expired, new keys are refused until some do (fail closed).
 */
public final class SlidingWindowLimit {
    public static final int MAX_KEYS = 10_000;

    private final int max;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> events = new HashMap<>();

    public SlidingWindowLimit(int max, Duration window, Clock clock) {
        this.max = max;
        this.window = window;
        this.clock = clock;
    }

    /** Counts an event for {@code key} unless that would exceed the limit. */
    public synchronized boolean tryAcquire(String key) {
        Instant now = clock.instant();
        Deque<Instant> recent = events.get(key);
        if (recent == null) {
            if (events.size() >= MAX_KEYS && !purgeExpired(now)) {
                return false;
            }
            recent = new ArrayDeque<>();
            events.put(key, recent);
        }
        dropExpired(recent, now);
        if (recent.size() >= max) {
            return false;
        }
        recent.addLast(now);
        return true;
    }

    /**
     * Gives back the newest event counted for {@code key}: a caller that counts an attempt before knowing its outcome
     * (so that concurrent attempts cannot all pass the limit) releases the ones that turn out not to count.
     */
    public synchronized void release(String key) {
        Deque<Instant> recent = events.get(key);
        if (recent != null) {
            recent.pollLast();
            if (recent.isEmpty()) {
                events.remove(key);
            }
        }
    }

    public String describe() {
        return max + " per " + window.toMinutes() + " minutes";
    }

    private void dropExpired(Deque<Instant> recent, Instant now) {
        Instant oldest = now.minus(window);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(oldest)) {
            recent.removeFirst();
        }
    }

    private boolean purgeExpired(Instant now) {
        boolean purged = false;
        for (Iterator<Deque<Instant>> it = events.values().iterator(); it.hasNext(); ) {
            Deque<Instant> recent = it.next();
            dropExpired(recent, now);
            if (recent.isEmpty()) {
                it.remove();
                purged = true;
            }
        }
        return purged;
    }
}
