package io.github.outboundrelay.mailets.delivery;

import java.time.Instant;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import io.github.outboundrelay.core.SendAsAddress;

/**
 * What a relay mail carries through the queue: whose relay it is for, and its delivery history. Stored as mail
 * attributes so that any James MailQueue (memory, ActiveMQ, RabbitMQ) keeps them.
 */
public final class RelayMailAttributes {
    static final AttributeName OWNER = AttributeName.of("outbound-relay.owner");
    static final AttributeName SEND_AS = AttributeName.of("outbound-relay.send-as");
    static final AttributeName FAILED_ATTEMPTS = AttributeName.of("outbound-relay.failed-attempts");
    static final AttributeName FIRST_QUEUED_AT = AttributeName.of("outbound-relay.first-queued-at");
    static final AttributeName AUTH_FAILURE_NOTIFIED = AttributeName.of("outbound-relay.auth-failure-notified");
    static final AttributeName DELAY_WARNED = AttributeName.of("outbound-relay.delay-warned");
    /** When the mail may be attempted again (epoch ms); absent for a mail not deferred yet. */
    static final AttributeName NEXT_ATTEMPT_AT = AttributeName.of("outbound-relay.next-attempt-at");

    private RelayMailAttributes() {
    }

    public static void stamp(Mail mail, SendAsAddress sendAs, Instant now) {
        mail.setAttribute(new Attribute(OWNER, AttributeValue.of(sendAs.owner().asString())));
        mail.setAttribute(new Attribute(SEND_AS, AttributeValue.of(sendAs.address().asString())));
        mail.setAttribute(new Attribute(FAILED_ATTEMPTS, AttributeValue.of(0)));
        mail.setAttribute(new Attribute(FIRST_QUEUED_AT, AttributeValue.of(now.toEpochMilli())));
    }

    static Optional<Username> owner(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, OWNER, String.class).map(Username::of);
    }

    static Optional<MailAddress> sendAs(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, SEND_AS, String.class).flatMap(RelayMailAttributes::address);
    }

    static int failedAttempts(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, FAILED_ATTEMPTS, Integer.class).orElse(0);
    }

    static int recordFailedAttempt(Mail mail) {
        int attempts = failedAttempts(mail) + 1;
        mail.setAttribute(new Attribute(FAILED_ATTEMPTS, AttributeValue.of(attempts)));
        return attempts;
    }

    static Instant firstQueuedAt(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, FIRST_QUEUED_AT, Long.class)
            .map(Instant::ofEpochMilli)
            .orElseGet(Instant::now);
    }

    static void nextAttemptAt(Mail mail, Instant at) {
        mail.setAttribute(new Attribute(NEXT_ATTEMPT_AT, AttributeValue.of(at.toEpochMilli())));
    }

    static Optional<Instant> nextAttemptAt(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, NEXT_ATTEMPT_AT, Long.class).map(Instant::ofEpochMilli);
    }

    /** Sets a once-per-mail flag; true when it was not set before (the caller should act now). */
    static boolean markOnce(Mail mail, AttributeName flag) {
        if (AttributeUtils.getValueAndCastFromMail(mail, flag, Boolean.class).orElse(false)) {
            return false;
        }
        mail.setAttribute(new Attribute(flag, AttributeValue.of(true)));
        return true;
    }

    private static Optional<MailAddress> address(String value) {
        try {
            return Optional.of(new MailAddress(value));
        } catch (javax.mail.internet.AddressException e) {
            return Optional.empty();
        }
    }
}
