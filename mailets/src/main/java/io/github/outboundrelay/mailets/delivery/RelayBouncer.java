package io.github.outboundrelay.mailets.delivery;

import java.util.Collection;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.mailets.remote.delivery.Bouncer;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.mailets.smtp.RelayDiagnostics;

/**
 * Hands a copy of relay mail to a DSN processor of James (DSNBounce in the stock configuration): the bounce processor
 * for failures, the delay-warning processor (DSNBounce with {@code action} delayed) for warnings. The DSN must reach
 * the user's own <em>local</em> mailbox: the envelope sender is the external send-as address, whose mailbox is not
 * ours, so the copy gets the owner's local address as sender before it is handed over.
 */
public class RelayBouncer {

    private final MailetContext context;
    private final UsersRepository usersRepository;
    private final String bounceProcessor;

    public RelayBouncer(MailetContext context, UsersRepository usersRepository, String bounceProcessor) {
        this.context = context;
        this.usersRepository = usersRepository;
        this.bounceProcessor = bounceProcessor;
    }

    public void bounce(Mail mail, Collection<MailAddress> failedRecipients, Username owner, String diagnostic) throws MessagingException {
        notifyOwner(mail, failedRecipients, owner, diagnostic, bounceProcessor);
    }

    void notifyOwner(Mail mail, Collection<MailAddress> recipients, Username owner, String diagnostic, String dsnProcessor)
            throws MessagingException {
        MailImpl copy = MailImpl.duplicate(mail);
        try {
            copy.setRecipients(recipients);
            copy.setSender(localAddressOf(owner));
            // DSNBounce writes this into the report's Status and Diagnostic-Code lines: one line, the relay's reply first.
            copy.setAttribute(new Attribute(Bouncer.DELIVERY_ERROR, AttributeValue.of(RelayDiagnostics.replyFirst(Printable.oneLine(diagnostic)))));
            context.sendMail(copy, dsnProcessor);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    MailAddress localAddressOf(Username owner) throws MessagingException {
        try {
            return usersRepository.getMailAddressFor(owner);
        } catch (UsersRepositoryException e) {
            throw new MessagingException("Cannot find the local address of " + owner.asString() + " to notify", e);
        }
    }
}
