package io.github.outboundrelay.mailets.smtp;

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

import io.github.outboundrelay.mailets.OutboundRelayDelivery;
import io.github.outboundrelay.mailets.smtp.RelaySessionKey.RelayEndpoint;

/**
 * Authenticated relay sessions kept open between mails, per {@link RelaySessionKey} (relay, TLS mode, username,
 * password fingerprint): a session is never handed to a mail of another account or after a password change (SMTP
 * AUTH is per connection).
 *
 * <p>Two bounds per relay host and port: at most {@code maxConnectionsPerRelay} sessions carry a mail at once
 * ({@link RelayConnectionSlots}, a permit from {@link #acquire} to {@link #release}/{@link #discard}), and at most
 * {@code maxOpenConnectionsPerRelay} connections are open at once, carrying a mail, idle or being closed. Idle
 * sessions are not bounded by a number of their own: each account that sent within {@code poolIdleTimeout} keeps
 * its sessions (up to {@code poolMaxIdleSessionsPerCredential}), so with 100 accounts sending through one partner
 * each finds its own session, where a fixed least-recently-used cache smaller than the accounts would find none when
 * they send in turn. Only to stay within the open-connection bound does the pool close an idle session for another
 * one: a second idle session of some account first, else the least recently used.</p>
 *
 * <p>An idle session is reset (RSET) before it carries another mail; one that does not answer 250 is closed and
 * another taken. A session is closed after {@code poolIdleTimeout} unused, after {@code poolMaxMessagesPerSession}
 * mails, or when more than {@code poolMaxIdleSessionsPerCredential} are idle for its key. Network I/O (RSET, QUIT,
 * connect) never happens while the pool's lock is held.</p>
 */
public class RelaySessionPool implements AutoCloseable {
    interface Opener {
        RelaySession open() throws RelayConnectException;
    }

    /** A relay's idle sessions, most recently released first (the tail is the least recently used), and its closing ones. */
    private static final class RelayConnections {
        final Deque<RelaySession> idle = new ArrayDeque<>();
        int closing;
    }

    private final RelayPoolSettings settings;
    private final RelayConnectionSlots slots;
    private final MetricFactory metricFactory;
    private final Clock clock;
    /** Only relays with an idle or closing connection: relay host names are chosen by users. */
    private final Map<RelayEndpoint, RelayConnections> relays = new HashMap<>();

    RelaySessionPool(RelayPoolSettings settings, MetricFactory metricFactory, Clock clock) {
        this.settings = settings;
        this.slots = new RelayConnectionSlots(settings.maxConnectionsPerRelay());
        this.metricFactory = metricFactory;
        this.clock = clock;
    }

    /**
     * A session for {@code key}, counted against {@code maxConnectionsPerRelay} until it is released or discarded:
     * an idle one that answers RSET, else a new one. Waits at most {@code slotWait} while the relay has that many in
     * use (and as long again, at most, for connections being closed to make room). {@code freshOnly} skips idle
     * sessions (used right after a pooled one turned out to be dead).
     */
    RelaySession acquire(RelaySessionKey key, Opener opener, Duration slotWait, boolean freshOnly)
            throws RelayConnectException, NoConnectionSlotException, InterruptedException {
        if (!slots.tryAcquire(key.relay(), slotWait)) {
            throw new NoConnectionSlotException(key.relay());
        }
        boolean handedOut = false;
        try {
            Optional<RelaySession> reused = freshOnly ? Optional.empty() : reuseIdle(key);
            if (reused.isPresent()) {
                handedOut = true;
                return reused.get();
            }
            makeRoomToOpen(key.relay(), slotWait);
            RelaySession session = opener.open();
            metricFactory.generate("outbound-relay-pool-session-opened").increment();
            handedOut = true;
            return session;
        } finally {
            if (!handedOut) {
                slots.release(key.relay());
            }
        }
    }

    /**
     * An idle session of {@code key} that answers RSET, only if one is free right now and a delivery slot too:
     * never waits for a slot and never connects (the mailet's first attempt at once, see
     * {@link OutboundRelayDelivery}). Hand it back with {@link #release} or {@link #discard}.
     */
    Optional<RelaySession> acquireIdleNow(RelaySessionKey key) throws InterruptedException {
        if (!hasIdle(key) || !slots.tryAcquire(key.relay(), Duration.ZERO)) {
            return Optional.empty();
        }
        Optional<RelaySession> reused = Optional.empty();
        try {
            reused = reuseIdle(key);
            return reused;
        } finally {
            if (reused.isEmpty()) {
                slots.release(key.relay());
            }
        }
    }

    /** Hands a session back after a transaction; {@code reusable} is false when its state is unclear. */
    void release(RelaySession session, boolean reusable) {
        if (!reusable || session.messagesSent() >= settings.maxMessagesPerSession() || !keepIdle(session)) {
            discard(session);
            return;
        }
        slots.release(session.key().relay());
    }

    /** Closes a session handed out by {@link #acquire} and gives its permit back. */
    void discard(RelaySession session) {
        try {
            // Closed before the permit is given back: until its QUIT is answered it is still a connection to the relay.
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
            for (RelayConnections connections : relays.values()) {
                Iterator<RelaySession> oldestFirst = connections.idle.descendingIterator();
                while (oldestFirst.hasNext()) {
                    RelaySession session = oldestFirst.next();
                    if (!session.idleLongerThan(maxIdle, now)) {
                        break;
                    }
                    oldestFirst.remove();
                    connections.closing++;
                    expired.add(session);
                }
            }
        }
        expired.forEach(this::closeCounted);
    }

    synchronized int idleCount() {
        return relays.values().stream().mapToInt(connections -> connections.idle.size()).sum();
    }

    synchronized int idleCount(RelayEndpoint relay) {
        RelayConnections connections = relays.get(relay);
        return connections == null ? 0 : connections.idle.size();
    }

    /** Sessions carrying a mail to that relay right now; idle ones are not counted (see {@link #idleCount}). */
    int connectionsInUse(RelayEndpoint relay) {
        return slots.inUse(relay);
    }

    @Override
    public void close() {
        List<RelaySession> all = new ArrayList<>();
        synchronized (this) {
            relays.values().forEach(connections -> {
                all.addAll(connections.idle);
                connections.closing += connections.idle.size();
                connections.idle.clear();
            });
        }
        all.forEach(this::closeCounted);
    }

    private Optional<RelaySession> reuseIdle(RelaySessionKey key) {
        Optional<RelaySession> reusable = takeIdle(key);
        while (reusable.isPresent()) {
            if (reusable.get().transport().reset()) {
                metricFactory.generate("outbound-relay-pool-session-reused").increment();
                return reusable;
            }
            closeConnection(reusable.get());
            reusable = takeIdle(key);
        }
        return Optional.empty();
    }

    private synchronized boolean hasIdle(RelaySessionKey key) {
        RelayConnections connections = relays.get(key.relay());
        return connections != null && connections.idle.stream().anyMatch(session -> session.key().equals(key));
    }

    /** The most recently released idle session of {@code key}, if any. */
    private Optional<RelaySession> takeIdle(RelaySessionKey key) {
        closeExpired();
        synchronized (this) {
            RelayConnections connections = relays.get(key.relay());
            if (connections == null) {
                return Optional.empty();
            }
            Iterator<RelaySession> newestFirst = connections.idle.iterator();
            while (newestFirst.hasNext()) {
                RelaySession session = newestFirst.next();
                if (session.key().equals(key)) {
                    newestFirst.remove();
                    forgetIfUnused(key.relay(), connections);
                    return Optional.of(session);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Before this thread (holding a delivery slot) connects: while the relay's open connections would exceed
     * {@code maxOpenConnectionsPerRelay}, closes an idle one, and waits for closing ones to finish. The slots in use
     * count as connections already (a thread holding one has or is about to have one), so the bound holds whatever
     * the threads do at the same moment.
     */
    private void makeRoomToOpen(RelayEndpoint relay, Duration wait) throws InterruptedException, NoConnectionSlotException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            RelaySession victim;
            synchronized (this) {
                RelayConnections connections = relays.get(relay);
                int idle = connections == null ? 0 : connections.idle.size();
                int closing = connections == null ? 0 : connections.closing;
                if (idle + closing + slots.inUse(relay) <= settings.maxOpenConnectionsPerRelay()) {
                    return;
                }
                if (idle == 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new NoConnectionSlotException(relay);
                    }
                    wait(Math.max(1, left / 1_000_000));
                    continue;
                }
                victim = leastNeeded(connections.idle);
                connections.closing++;
            }
            metricFactory.generate("outbound-relay-pool-session-evicted").increment();
            closeCounted(victim);
        }
    }

    /** A second idle session of some account (least recently used first), else the least recently used of all. */
    private static RelaySession leastNeeded(Deque<RelaySession> idle) {
        Map<RelaySessionKey, Integer> perKey = new HashMap<>();
        idle.forEach(session -> perKey.merge(session.key(), 1, Integer::sum));
        Iterator<RelaySession> oldestFirst = idle.descendingIterator();
        while (oldestFirst.hasNext()) {
            RelaySession session = oldestFirst.next();
            if (perKey.get(session.key()) > 1) {
                oldestFirst.remove();
                return session;
            }
        }
        return idle.pollLast();
    }

    /**
     * Puts {@code session} among the idle ones of its relay, unless its key already has
     * {@code poolMaxIdleSessionsPerCredential} idle. It stays counted as open (it moves from in use to idle).
     */
    private synchronized boolean keepIdle(RelaySession session) {
        RelayConnections connections = relays.computeIfAbsent(session.key().relay(), ignored -> new RelayConnections());
        long sameKey = connections.idle.stream().filter(other -> other.key().equals(session.key())).count();
        if (sameKey >= settings.maxIdleSessionsPerKey()) {
            forgetIfUnused(session.key().relay(), connections);
            return false;
        }
        session.markIdle(clock.millis());
        connections.idle.push(session);
        return true;
    }

    /** Closes a session taken out of the idle ones with its relay's {@code closing} count raised, then lowers it. */
    private void closeCounted(RelaySession session) {
        try {
            closeConnection(session);
        } finally {
            synchronized (this) {
                RelayEndpoint relay = session.key().relay();
                RelayConnections connections = relays.get(relay);
                if (connections != null) {
                    connections.closing--;
                    forgetIfUnused(relay, connections);
                }
                notifyAll();
            }
        }
    }

    private void forgetIfUnused(RelayEndpoint relay, RelayConnections connections) {
        if (connections.idle.isEmpty() && connections.closing == 0) {
            relays.remove(relay);
        }
    }

    private void closeConnection(RelaySession session) {
        session.transport().closeQuietly();
    }
}
