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
 * <p>Two separate bounds per relay host and port, as in Postfix (destination concurrency limit, connection cache):
 * at most {@code maxConnectionsPerRelay} sessions carry a mail at once ({@link RelayConnectionSlots}, a permit from
 * {@link #acquire} to {@link #release}/{@link #discard}), and at most {@code poolMaxIdleSessionsPerRelay} wait idle,
 * all accounts together, which hold no permit. So an idle session of one account never has to be closed to let
 * another account deliver, and the next mail of each account finds its session.</p>
 *
 * <p>An idle session is reset (RSET) before it carries another mail; one that does not answer 250 is closed and
 * another taken. A session is closed after {@code poolIdleTimeout} unused, after {@code poolMaxMessagesPerSession}
 * mails, when more than {@code poolMaxIdleSessionsPerCredential} are idle for its key, or as the least recently used
 * of its relay when more than {@code poolMaxIdleSessionsPerRelay} are idle there. Network I/O (RSET, QUIT, connect)
 * never happens while the pool's lock is held.</p>
 */
class RelaySessionPool implements AutoCloseable {
    interface Opener {
        RelaySession open() throws RelayConnectException;
    }

    private final RelayPoolSettings settings;
    private final RelayConnectionSlots slots;
    private final MetricFactory metricFactory;
    private final Clock clock;
    /** Idle sessions per relay, most recently released first: the tail is the least recently used of the relay. */
    private final Map<RelayEndpoint, Deque<RelaySession>> idle = new HashMap<>();

    RelaySessionPool(RelayPoolSettings settings, MetricFactory metricFactory, Clock clock) {
        this.settings = settings;
        this.slots = new RelayConnectionSlots(settings.maxConnectionsPerRelay());
        this.metricFactory = metricFactory;
        this.clock = clock;
    }

    /**
     * A session for {@code key}, counted against {@code maxConnectionsPerRelay} until it is released or discarded:
     * an idle one that answers RSET, else a new one. Waits at most {@code slotWait} while the relay has that many in
     * use. {@code freshOnly} skips idle sessions (used right after a pooled one turned out to be dead).
     */
    RelaySession acquire(RelaySessionKey key, Opener opener, Duration slotWait, boolean freshOnly)
            throws RelayConnectException, NoConnectionSlotException, InterruptedException {
        if (!slots.tryAcquire(key.relay(), slotWait)) {
            throw new NoConnectionSlotException(key.relay());
        }
        try {
            Optional<RelaySession> reusable = freshOnly ? Optional.empty() : takeIdle(key);
            while (reusable.isPresent()) {
                if (reusable.get().transport().reset()) {
                    metricFactory.generate("outbound-relay-pool-session-reused").increment();
                    return reusable.get();
                }
                closeConnection(reusable.get());
                reusable = takeIdle(key);
            }
            RelaySession session = opener.open();
            metricFactory.generate("outbound-relay-pool-session-opened").increment();
            return session;
        } catch (RelayConnectException | RuntimeException e) {
            slots.release(key.relay());
            throw e;
        }
    }

    /** Hands a session back after a transaction; {@code reusable} is false when its state is unclear. */
    void release(RelaySession session, boolean reusable) {
        if (!reusable || session.messagesSent() >= settings.maxMessagesPerSession()) {
            discard(session);
            return;
        }
        List<RelaySession> surplus = keepIdle(session);
        try {
            // Closed before the permit is given back: until their QUIT is answered they are still connections to the
            // relay, and this keeps the total at most maxConnectionsPerRelay + poolMaxIdleSessionsPerRelay.
            surplus.forEach(this::closeConnection);
        } finally {
            slots.release(session.key().relay());
        }
    }

    /** Closes a session handed out by {@link #acquire} and gives its permit back. */
    void discard(RelaySession session) {
        try {
            closeConnection(session);
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
        expired.forEach(this::closeConnection);
    }

    synchronized int idleCount() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    synchronized int idleCount(RelayEndpoint relay) {
        Deque<RelaySession> sessions = idle.get(relay);
        return sessions == null ? 0 : sessions.size();
    }

    /** Sessions carrying a mail to that relay right now; idle ones are not counted (see {@link #idleCount}). */
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
        all.forEach(this::closeConnection);
    }

    /** The most recently released idle session of {@code key}, if any. */
    private Optional<RelaySession> takeIdle(RelaySessionKey key) {
        closeExpired();
        synchronized (this) {
            Deque<RelaySession> sessions = idle.get(key.relay());
            if (sessions == null) {
                return Optional.empty();
            }
            Iterator<RelaySession> newestFirst = sessions.iterator();
            while (newestFirst.hasNext()) {
                RelaySession session = newestFirst.next();
                if (session.key().equals(key)) {
                    newestFirst.remove();
                    return Optional.of(session);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Puts {@code session} among the idle ones of its relay and returns those to close: itself when its key already
     * has {@code poolMaxIdleSessionsPerCredential} idle, else the relay's least recently used ones beyond
     * {@code poolMaxIdleSessionsPerRelay}, whatever their account.
     */
    private synchronized List<RelaySession> keepIdle(RelaySession session) {
        Deque<RelaySession> sessions = idle.computeIfAbsent(session.key().relay(), ignored -> new ArrayDeque<>());
        long sameKey = sessions.stream().filter(other -> other.key().equals(session.key())).count();
        if (sameKey >= settings.maxIdleSessionsPerKey()) {
            return List.of(session);
        }
        session.markIdle(clock.millis());
        sessions.push(session);
        List<RelaySession> leastRecentlyUsed = new ArrayList<>();
        while (sessions.size() > settings.maxIdleSessionsPerRelay()) {
            leastRecentlyUsed.add(sessions.pollLast());
        }
        return leastRecentlyUsed;
    }

    private void closeConnection(RelaySession session) {
        session.transport().closeQuietly();
    }
}
