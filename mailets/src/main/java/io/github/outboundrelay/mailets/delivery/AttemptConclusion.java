package io.github.outboundrelay.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.mail.MessagingException;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;
import io.github.outboundrelay.mailets.smtp.DeliveryResult;

/**
 * What follows an attempt at the relay, whichever way it was made (from the queue or at once): the metrics (totals,
 * per relay host, per kind of credential), one log line, and the mail's end: its delivered recipients done, refused
 * ones bounced with the relay's reply, the others queued again after the retry delay ({@link RetrySchedule}), or
 * given up past {@code maxQueueLifetime}. A relay refusing the account's credentials tells the owner once.
 */
final class AttemptConclusion {
    // The worker's logger: an attempt's lines stay under the one category admins already filter on.
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayDeliveryWorker.class);

    private final MailQueue queue;
    private final RelayDeliveryConfiguration configuration;
    private final RelayDeliveryWorker.Collaborators with;
    private final MetricFactory metricFactory;
    private final Clock clock;
    private final RetrySchedule schedule;
    private final QueueLifetime lifetime;

    AttemptConclusion(MailQueue queue, RelayDeliveryConfiguration configuration, RelayDeliveryWorker.Collaborators with,
                      MetricFactory metricFactory, Clock clock, RetrySchedule schedule) {
        this.queue = queue;
        this.configuration = configuration;
        this.with = with;
        this.metricFactory = metricFactory;
        this.clock = clock;
        this.schedule = schedule;
        this.lifetime = new QueueLifetime(configuration.maxQueueLifetime(), clock);
    }

    /** Counts, logs and ends the attempt: delivered, bounced, queued again for a retry, or given up. */
    void conclude(Mail mail, SendAsAddress sendAs, String host, DeliveryResult result) throws MessagingException {
        countPerRelay(host, result);
        countPerCredentialKind(sendAs, result);
        log(mail, sendAs, result);
        if (!result.delivered().isEmpty()) {
            metricFactory.generate("outbound-relay-delivered").add(result.delivered().size());
        }
        if (!result.permanentlyFailed().isEmpty()) {
            // A 5xx refusal is the recipient's or the relay's final word: always a DSN, never the gateway.
            metricFactory.generate("outbound-relay-bounced").add(result.permanentlyFailed().size());
            with.bouncer().bounce(mail, result.permanentlyFailed(), sendAs.owner(), result.diagnostic());
        }
        if (result.temporarilyFailed().isEmpty()) {
            return;
        }
        if (result.relayBusy()) {
            if (lifetime.endsWithin(mail, schedule.busyRelayDelay())) {
                with.failureRouter().giveUp(mail, result.temporarilyFailed(), sendAs, "Gave up after "
                    + configuration.maxQueueLifetime() + " in the queue: " + result.diagnostic());
                return;
            }
            mail.setRecipients(result.temporarilyFailed());
            enQueueAgainAfter(mail, schedule.busyRelayDelay());
            return;
        }
        if (result.authRejected()) {
            metricFactory.generate("outbound-relay-auth-failed").increment();
            if (configuration.authFailure() == RelayDeliveryConfiguration.AuthFailureHandling.BOUNCE) {
                with.failureRouter().giveUp(mail, result.temporarilyFailed(), sendAs, result.diagnostic());
                return;
            }
            with.notices().credentialsRejectedOnce(mail, sendAs, result.diagnostic());
        }
        retryLater(mail, sendAs, result);
    }

    private void retryLater(Mail mail, SendAsAddress sendAs, DeliveryResult result) throws MessagingException {
        int failedAttempts = RelayMailAttributes.recordFailedAttempt(mail);
        Duration delay = schedule.delayAfter(failedAttempts);
        Instant now = clock.instant();
        Instant giveUpAt = RelayMailAttributes.firstQueuedAt(mail).plus(configuration.maxQueueLifetime());
        if (now.plus(delay).isAfter(giveUpAt)) {
            with.failureRouter().giveUp(mail, result.temporarilyFailed(), sendAs, "Gave up after " + failedAttempts
                + " attempts over " + configuration.maxQueueLifetime() + ": " + result.diagnostic());
            return;
        }
        with.notices().delayWarningOnceIfDue(mail, result.temporarilyFailed(), sendAs, now, result.diagnostic());
        metricFactory.generate("outbound-relay-deferred").increment();
        mail.setRecipients(result.temporarilyFailed());
        enQueueAgainAfter(mail, delay);
        LOGGER.info("Outbound relay deferred mail for {} (attempt {})", delay, failedAttempts);
    }

    /** The delay is written into the mail too: the queue may ignore it (see RetrySchedule). */
    private void enQueueAgainAfter(Mail mail, Duration delay) throws MessagingException {
        schedule.deferBy(mail, delay);
        queue.enQueue(mail, delay);
    }

    private void countPerRelay(String host, DeliveryResult result) {
        if (!result.delivered().isEmpty()) {
            metricFactory.generate("outbound-relay-delivered-" + host).add(result.delivered().size());
        }
        if (!result.permanentlyFailed().isEmpty()) {
            metricFactory.generate("outbound-relay-refused-" + host).add(result.permanentlyFailed().size());
        }
        if (result.authRejected()) {
            metricFactory.generate("outbound-relay-auth-failed-" + host).increment();
        } else if (!result.temporarilyFailed().isEmpty() && !result.relayBusy()) {
            metricFactory.generate("outbound-relay-deferred-" + host).increment();
        }
    }

    /** Which kind of credential (password, oauth) the outcomes come from: the move to OAuth shows in the metrics. */
    private void countPerCredentialKind(SendAsAddress sendAs, DeliveryResult result) {
        String kind = sendAs.requireRelayAccount().credential().kind();
        if (!result.delivered().isEmpty()) {
            metricFactory.generate("outbound-relay-delivered-with-" + kind).add(result.delivered().size());
        }
        if (result.authRejected()) {
            metricFactory.generate("outbound-relay-auth-failed-with-" + kind).increment();
        }
    }

    private void log(Mail mail, SendAsAddress sendAs, DeliveryResult result) {
        String messageId = RelayAttemptRecorder.messageId(mail);
        String replyCode = result.outcome().replyCode().map(String::valueOf).orElse("none");
        if (result.isCompleteSuccess()) {
            LOGGER.info("Outbound relay delivered mail (Message-ID {}) of {} to {} recipient(s), reply {}", messageId,
                Printable.of(sendAs.owner().asString()), result.delivered().size(), replyCode);
        } else {
            LOGGER.info("Outbound relay attempt for mail (Message-ID {}) of {}: {} delivered, {} refused, {} deferred, {}, "
                    + "reply {}: {}", messageId, Printable.of(sendAs.owner().asString()), result.delivered().size(),
                result.permanentlyFailed().size(), result.temporarilyFailed().size(), result.outcome().kind(), replyCode,
                result.diagnostic());
        }
    }
}
