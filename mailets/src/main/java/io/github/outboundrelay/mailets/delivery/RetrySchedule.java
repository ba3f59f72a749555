package io.github.outboundrelay.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.mailet.Mail;

/**
 * When a deferred mail is attempted again. The delay after each failure: {@code retryDelay}, doubled after each
 * failure up to {@code maxRetryDelay} (5 minutes doubling to 1 hour by default); a relay with every connection busy: a
 * short wait, since nothing failed.
 * <p>
 * The time of a deferred mail's next attempt, carried by the mail itself, so that the retry schedule holds on any
 * MailQueue and on any node: the delay given to {@code enQueue} is only a hint, which James 3.8.1's RabbitMQ queue
 * ignores (it logs "Ignored delay upon enqueue" and hands the mail out again at once).
 * <p>
 * A mail handed out before its time is held for at most {@code earlyMailHold} (still the queue's, not acknowledged, so
 * a node that dies meanwhile leaves it in the queue): if its time comes within the hold it is attempted then;
 * otherwise it goes back to the queue with the time left, which a queue that honours delays keeps exactly. On a queue
 * that ignores delays a waiting mail thus goes round the queue about once per {@code earlyMailHold}, and each node
 * holds at most as many mails at once as its worker has slots: the hold, not a busy loop, sets the pace.
 */
final class RetrySchedule {
    private static final Duration BUSY_RELAY_DELAY_CAP = Duration.ofSeconds(30);

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Duration earlyMailHold;
    private final Clock clock;

    RetrySchedule(Duration initialDelay, Duration maxDelay, Duration earlyMailHold, Clock clock) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.earlyMailHold = earlyMailHold;
        this.clock = clock;
    }

    /** The wait before the attempt that follows {@code failedAttempts} failures: doubling, capped. */
    Duration delayAfter(int failedAttempts) {
        Duration delay = initialDelay;
        for (int i = 1; i < failedAttempts && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    /**
     * The wait before a mail that found every connection to its relay busy is tried again: short, because nothing
     * failed, but not a busy loop.
     */
    Duration busyRelayDelay() {
        return initialDelay.compareTo(BUSY_RELAY_DELAY_CAP) < 0 ? initialDelay : BUSY_RELAY_DELAY_CAP;
    }

    /** Writes into the mail that it is not to be attempted again before {@code delay} has passed. */
    void deferBy(Mail mail, Duration delay) {
        RelayMailAttributes.nextAttemptAt(mail, clock.instant().plus(delay));
    }

    /** How long until the mail may be attempted; zero when it may be now (or was never deferred). */
    Duration timeLeft(Mail mail) {
        Instant now = clock.instant();
        return RelayMailAttributes.nextAttemptAt(mail)
            .filter(at -> at.isAfter(now))
            .map(at -> Duration.between(now, at))
            .orElse(Duration.ZERO);
    }

    /** How long a mail handed out {@code timeLeft} before its time is held before it is looked at again. */
    Duration holdFor(Duration timeLeft) {
        return timeLeft.compareTo(earlyMailHold) < 0 ? timeLeft : earlyMailHold;
    }
}
