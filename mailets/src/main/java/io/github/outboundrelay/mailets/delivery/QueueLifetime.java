package io.github.outboundrelay.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.mailet.Mail;

/**
 * {@code maxQueueLifetime}, checked whenever a mail would go back to the queue, whatever the reason: a failed attempt,
 * or every connection to its relay busy (one slow relay must not keep its mail queued for ever).
 */
final class QueueLifetime {
    private final Duration lifetime;
    private final Clock clock;

    QueueLifetime(Duration lifetime, Clock clock) {
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** Whether waiting {@code delay} more would take the mail past its lifetime. */
    boolean endsWithin(Mail mail, Duration delay) {
        Instant giveUpAt = RelayMailAttributes.firstQueuedAt(mail).plus(lifetime);
        return clock.instant().plus(delay).isAfter(giveUpAt);
    }
}
