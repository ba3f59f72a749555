package io.github.outboundrelay.mailets.delivery;

import java.time.Clock;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.mailets.smtp.DeliveryResult;

/**
 * Writes each delivery attempt to the audit trail, which the admin API pages through and the health check reads.
 * A relay that was only busy (nothing tried) is not an attempt.
 */
public class RelayAttemptRecorder {

    private final RelayAttemptLog log;
    private final Clock clock;

    public RelayAttemptRecorder(RelayAttemptLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    void record(Mail mail, SendAsAddress sendAs, DeliveryResult result) {
        if (result.relayBusy()) {
            return;
        }
        int recipients = result.delivered().size() + result.permanentlyFailed().size() + result.temporarilyFailed().size();
        RelayServer relay = sendAs.requireRelayAccount().server();
        log.record(new RelayAttempt(clock.instant(), sendAs.owner(), sendAs.address(), relay.host(), relay.port(),
            messageId(mail), recipients, result.outcome().kind(), result.isPartialDelivery(), result.outcome().replyCode(),
            sendAs.requireRelayAccount().credential().kind()));
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
