package io.github.outboundrelay.mailets;

import java.time.Clock;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayAttempt.Outcome;
import io.github.outboundrelay.core.RelayAttemptLog;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * Writes each delivery attempt to the audit trail, which the admin API pages through and the health check reads.
 * A relay that was only busy (nothing tried) is not an attempt.
 */
class RelayAttemptRecorder {

    private final RelayAttemptLog log;
    private final Clock clock;

    RelayAttemptRecorder(RelayAttemptLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    void record(Mail mail, SendAsAddress sendAs, DeliveryResult result) {
        if (result.relayBusy()) {
            return;
        }
        int recipients = result.delivered().size() + result.permanentlyFailed().size() + result.temporarilyFailed().size();
        log.record(new RelayAttempt(clock.instant(), sendAs.owner(), sendAs.address(), sendAs.relay().host(),
            sendAs.relay().port(), messageId(mail), recipients, outcome(result), replyCode(result), sendAs.credential().kind()));
    }

    static Outcome outcome(DeliveryResult result) {
        if (result.isCompleteSuccess()) {
            return Outcome.DELIVERED;
        }
        if (!result.delivered().isEmpty()) {
            return Outcome.PARTIALLY_DELIVERED;
        }
        if (result.authRejected()) {
            return Outcome.AUTH_REJECTED;
        }
        if (!result.temporarilyFailed().isEmpty()) {
            return result.deferral() == DeliveryResult.Deferral.RELAY_UNREACHABLE ? Outcome.UNREACHABLE : Outcome.DEFERRED;
        }
        return Outcome.BOUNCED;
    }

    static Optional<Integer> replyCode(DeliveryResult result) {
        if (result.isCompleteSuccess()) {
            return Optional.of(250);
        }
        return RelayDiagnostics.replyCode(result.diagnostic());
    }

    /**
     * The mail's Message-ID as the audit trail and the log show it, empty when it has none: its sender wrote it, so a
     * line break in it (a folded header, or worse) is escaped.
     */
    static String messageId(Mail mail) {
        try {
            return Printable.of(Optional.ofNullable(mail.getMessage().getMessageID()).orElse(""));
        } catch (MessagingException e) {
            return "";
        }
    }
}
