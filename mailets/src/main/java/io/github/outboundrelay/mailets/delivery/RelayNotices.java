package io.github.outboundrelay.mailets.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.mustachejava.Mustache;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelayAccount;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;

/**
 * What the sender is told while a mail is still queued, each at most once per mail (flags on the mail, so they
 * survive the queue):
 * <ul>
 *     <li>the relay refused the credentials: a plain notice from the postmaster to the owner's local mailbox, sent
 *     through the root processor like any local mail. Not a DSN: nothing has failed yet, the mail is retried.</li>
 *     <li>the mail has waited longer than {@code delayWarningAfter}: an RFC 3464 DSN with "Action: delayed", made by
 *     the processor named by {@code delayWarningProcessor} (James's DSNBounce takes its action from its
 *     {@code action} parameter, one per mailet, hence a processor of its own).</li>
 * </ul>
 */
public class RelayNotices {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayNotices.class);
    private static final Mustache CREDENTIALS_REFUSED = MailTemplates.compile("credentials-refused.mustache");
    private static final Mustache RECONNECT = MailTemplates.compile("reconnect.mustache");
    private static final Mustache DELAY_WARNING = MailTemplates.compile("delay-warning.mustache");

    /** The notice that the relay refused the credentials; {@code provider} is null for a password. */
    record CredentialsRefused(String address, String relay, String username, String provider, String diagnostic,
                              String subject) {
    }

    /** The delay warning's diagnostic, which DSNBounce puts in the "delayed" DSN. */
    record DelayWarning(long minutes, Instant giveUpAt, String diagnostic) {
    }

    private final RelayDeliveryConfiguration configuration;
    private final MailetContext context;
    private final RelayBouncer bouncer;

    public RelayNotices(RelayDeliveryConfiguration configuration, MailetContext context, RelayBouncer bouncer) {
        this.configuration = configuration;
        this.context = context;
        this.bouncer = bouncer;
    }

    void credentialsRejectedOnce(Mail mail, SendAsAddress sendAs, String diagnostic) throws MessagingException {
        if (!RelayMailAttributes.markOnce(mail, RelayMailAttributes.AUTH_FAILURE_NOTIFIED)) {
            return;
        }
        OwnerNotice.send(context, bouncer.localAddressOf(sendAs.owner()), "auth-notice",
            "Your mail from " + sendAs.address().asString() + " is waiting: "
                + (sendAs.usesOAuth() ? "reconnect the account" : "relay settings need attention"),
            credentialsRejectedText(mail, sendAs, diagnostic));
        LOGGER.info("Told {} that the relay credentials were rejected", Printable.of(sendAs.owner().asString()));
    }

    void delayWarningOnceIfDue(Mail mail, Collection<MailAddress> waitingRecipients, SendAsAddress sendAs, Instant now,
                               String diagnostic) throws MessagingException {
        Optional<Duration> warnAfter = configuration.delayWarningAfter();
        if (warnAfter.isEmpty()) {
            return;
        }
        Duration waited = Duration.between(RelayMailAttributes.firstQueuedAt(mail), now);
        if (waited.compareTo(warnAfter.get()) < 0 || !RelayMailAttributes.markOnce(mail, RelayMailAttributes.DELAY_WARNED)) {
            return;
        }
        Instant giveUpAt = RelayMailAttributes.firstQueuedAt(mail).plus(configuration.maxQueueLifetime());
        bouncer.notifyOwner(mail, waitingRecipients, sendAs.owner(), MailTemplates.render(DELAY_WARNING,
            new DelayWarning(waited.toMinutes(), giveUpAt, diagnostic)), configuration.delayWarningProcessor());
    }

    private static String credentialsRejectedText(Mail mail, SendAsAddress sendAs, String diagnostic) {
        RelayAccount account = sendAs.requireRelayAccount();
        String provider = account.credential() instanceof RelayCredential.OAuth oauth ? oauth.providerId() : null;
        return MailTemplates.render(provider == null ? CREDENTIALS_REFUSED : RECONNECT, new CredentialsRefused(
            sendAs.address().asString(), account.server().host(), account.username(), provider, diagnostic, subjectOf(mail)));
    }

    private static String subjectOf(Mail mail) {
        try {
            String subject = mail.getMessage().getSubject();
            return subject == null || subject.isBlank() ? "(no subject)" : "\"" + subject + "\"";
        } catch (MessagingException e) {
            return "(subject unreadable)";
        }
    }
}
