package io.github.outboundrelay.mailets.smtp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code attemptTimeout} of one delivery attempt: javax.mail's timeouts bound each read and each write, so a relay
 * that answers one byte at a time could hold a delivery thread for ever. When the deadline passes, every connection
 * the attempt uses is cut ({@link RelayTransport#abort}), which makes the blocked call fail at once and the attempt end
 * as a deferral.
 *
 * <p>The attempt runs on one delivery thread from start to end, and the connection is opened deep in the pool: the
 * session factory registers the connection it creates with the attempt of its thread ({@link #watchCurrent}).</p>
 */
final class AttemptDeadline implements AutoCloseable {
    private static final ThreadLocal<AttemptDeadline> CURRENT = new ThreadLocal<>();

    private final Duration limit;
    private final List<RelayTransport> watched = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> timer;
    private volatile boolean expired;

    private AttemptDeadline(ScheduledExecutorService timers, Duration limit) {
        this.limit = limit;
        this.timer = timers.schedule(this::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts the deadline of the attempt that runs on this thread until {@link #close}. */
    static AttemptDeadline begin(ScheduledExecutorService timers, Duration limit) {
        AttemptDeadline deadline = new AttemptDeadline(timers, limit);
        CURRENT.set(deadline);
        return deadline;
    }

    /** Puts {@code transport} under the deadline of this thread's attempt, if one runs (relay tests have none). */
    static void watchCurrent(RelayTransport transport) {
        AttemptDeadline deadline = CURRENT.get();
        if (deadline != null) {
            deadline.watch(transport);
        }
    }

    void watch(RelayTransport transport) {
        watched.add(transport);
        if (expired) {
            transport.abort();
        }
    }

    boolean expired() {
        return expired;
    }

    Duration limit() {
        return limit;
    }

    private void expire() {
        expired = true;
        watched.forEach(RelayTransport::abort);
    }

    @Override
    public void close() {
        timer.cancel(false);
        watched.clear();
        CURRENT.remove();
    }
}
