package io.github.outboundrelay.mailets;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.metrics.api.MetricFactory;

import io.github.outboundrelay.mailets.RelaySessionKey.RelayEndpoint;

/**
 * Authenticated relay sessions kept open between mails, per {@link RelaySessionKey} (relay, TLS mode, username,
 * password fingerprint): a session is never handed to a mail of another account or after a password change.
 *
 * <p>An idle session is reset (RSET) before it carries another mail; one that does not answer 250 is closed and
 * another taken. A session is closed after {@code poolIdleTimeout} unused, after {@code poolMaxMessagesPerSession}
 * mails, or when more than {@code poolMaxIdleSessionsPerCredential} are idle for its key. Network I/O (RSET, QUIT,
 * connect) never happens while the pool's lock is held.</p>
 */
class RelaySessionPool implements AutoCloseable {
    /** How often a thread waiting for a connection slot looks again at the idle sessions of its own key. */
    private static final Duration SLOT_POLL = Duration.ofMillis(20);

    interface Opener {
        RelaySession open() throws RelayConnectException;
    }

    private final RelayPoolSettings settings;
    private final RelayConnectionSlots slots;
    private final MetricFactory metricFactory;
    private final Clock clock;
    private final Map<RelaySessionKey, Deque<RelaySession>> idle = new HashMap<>();

    RelaySessionPool(RelayPoolSettings settings, MetricFactory metricFactory, Clock clock) {
        this.settings = settings;
        this.slots = new RelayConnectionSlots(settings.maxConnectionsPerRelay());
        this.metricFactory = metricFactory;
        this.clock = clock;
    }

    /**
     * A session for {@code key}: an idle one that answers RSET, else a new one once a connection slot to the relay is
     * free. Waits at most {@code slotWait} for a slot; idle sessions of other accounts on the same relay are closed
     * to make room. {@code freshOnly} skips idle sessions (used right after a pooled one turned out to be dead).
     */
    RelaySession acquire(RelaySessionKey key, Opener opener, Duration slotWait, boolean freshOnly)
            throws RelayConnectException, NoConnectionSlotException, InterruptedException {
        long deadline = System.nanoTime() + slotWait.toNanos();
        while (true) {
            Optional<RelaySession> reusable = freshOnly ? Optional.empty() : takeIdle(key);
            if (reusable.isPresent()) {
                if (reusable.get().transport().reset()) {
                    metricFactory.generate("outbound-relay-pool-session-reused").increment();
                    return reusable.get();
                }
                discard(reusable.get());
                continue;
            }
            if (slots.tryAcquire(key.relay(), Duration.ZERO)
                || (!closeOneIdleToMakeRoomFor(key, freshOnly) && waitForSlot(key, deadline))) {
                return openWithSlot(key, opener);
            }
            if (System.nanoTime() >= deadline && (freshOnly || !hasIdle(key))) {
                throw new NoConnectionSlotException(key.relay());
            }
        }
    }

    /** Hands a session back after a transaction; {@code reusable} is false when its state is unclear. */
    void release(RelaySession session, boolean reusable) {
        if (!reusable || session.messagesSent() >= settings.maxMessagesPerSession()) {
            discard(session);
            return;
        }
        List<RelaySession> expired;
        synchronized (this) {
            Deque<RelaySession> sessions = idle.computeIfAbsent(session.key(), ignored -> new ArrayDeque<>());
            if (sessions.size() >= settings.maxIdleSessionsPerKey()) {
                expired = List.of(session);
            } else {
                session.markIdle(clock.millis());
                sessions.push(session);
                expired = List.of();
            }
        }
        expired.forEach(this::discard);
    }

    /** Closes the connection and frees its slot. */
    void discard(RelaySession session) {
        try {
            session.transport().closeQuietly();
        } finally {
            slots.release(session.key().relay());
        }
    }

    /** Closes sessions idle for longer than {@code poolIdleTimeout}; run periodically and on every acquire. */
    void closeExpired() {
        long now = clock.millis();
        long maxIdle = settings.idleTimeout().toMillis();
        List<RelaySession> expired = new ArrayList<>();
        synchronized (this) {
            for (Deque<RelaySession> sessions : idle.values()) {
                // Oldest at the tail: we push and take at the head, so the least recently used ones age out.
                Iterator<RelaySession> oldestFirst = sessions.descendingIterator();
                while (oldestFirst.hasNext()) {
                    RelaySession session = oldestFirst.next();
                    if (session.idleLongerThan(maxIdle, now)) {
                        oldestFirst.remove();
                        expired.add(session);
                    }
                }
            }
            idle.values().removeIf(Deque::isEmpty);
        }
        expired.forEach(this::discard);
    }

    synchronized int idleCount() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    int connectionsInUse(RelayEndpoint relay) {
        return slots.inUse(relay);
    }

    @Override
    public void close() {
        List<RelaySession> all = new ArrayList<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(this::discard);
    }

    private Optional<RelaySession> takeIdle(RelaySessionKey key) {
        closeExpired();
        synchronized (this) {
            Deque<RelaySession> sessions = idle.get(key);
            return sessions == null ? Optional.empty() : Optional.ofNullable(sessions.poll());
        }
    }

    private synchronized boolean hasIdle(RelaySessionKey key) {
        Deque<RelaySession> sessions = idle.get(key);
        return sessions != null && !sessions.isEmpty();
    }

    /**
     * Frees a slot held by an idle session on the same relay: of another account, or of any account (ours included)
     * when {@code anyKey}. True when one was closed.
     */
    private boolean closeOneIdleToMakeRoomFor(RelaySessionKey key, boolean anyKey) {
        RelaySession victim = null;
        synchronized (this) {
            for (Map.Entry<RelaySessionKey, Deque<RelaySession>> entry : idle.entrySet()) {
                boolean eligible = anyKey || !entry.getKey().equals(key);
                if (eligible && entry.getKey().relay().equals(key.relay()) && !entry.getValue().isEmpty()) {
                    victim = entry.getValue().pollLast();
                    break;
                }
            }
        }
        if (victim == null) {
            return false;
        }
        discard(victim);
        return true;
    }

    /** Waits a short while for a slot, so that sessions of our own key given back meanwhile are seen quickly. */
    private boolean waitForSlot(RelaySessionKey key, long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        return slots.tryAcquire(key.relay(), Duration.ofNanos(Math.min(left, SLOT_POLL.toNanos())));
    }

    private RelaySession openWithSlot(RelaySessionKey key, Opener opener) throws RelayConnectException {
        try {
            RelaySession session = opener.open();
            metricFactory.generate("outbound-relay-pool-session-opened").increment();
            return session;
        } catch (RelayConnectException | RuntimeException e) {
            slots.release(key.relay());
            throw e;
        }
    }
}
