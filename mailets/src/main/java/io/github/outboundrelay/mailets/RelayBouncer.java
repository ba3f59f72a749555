package io.github.outboundrelay.mailets;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

/**
 * Hands a copy of relay mail to a DSN processor of James (DSNBounce in the stock configuration): the bounce processor
 * for failures, the delay-warning processor (DSNBounce with {@code action} delayed) for warnings. The DSN must reach
 * the user's own <em>local</em> mailbox: the envelope sender is the external send-as address, whose mailbox is not
 * ours, so the copy gets the owner's local address as sender before it is handed over.
 */
class RelayBouncer {
    // A relay's reply as javax.mail quotes it: "550 5.1.1 text", up to a closing parenthesis or the end.
    private static final Pattern SMTP_REPLY = Pattern.compile("[2-5]\\d\\d [2-5]\\.\\d{1,3}\\.\\d{1,3}[^)]*");

    private final MailetContext context;
    private final UsersRepository usersRepository;
    private final String bounceProcessor;

    RelayBouncer(MailetContext context, UsersRepository usersRepository, String bounceProcessor) {
        this.context = context;
        this.usersRepository = usersRepository;
        this.bounceProcessor = bounceProcessor;
    }

    void bounce(Mail mail, Collection<MailAddress> failedRecipients, Username owner, String diagnostic) throws MessagingException {
        notifyOwner(mail, failedRecipients, owner, diagnostic, bounceProcessor);
    }

    void notifyOwner(Mail mail, Collection<MailAddress> recipients, Username owner, String diagnostic, String dsnProcessor)
            throws MessagingException {
        MailImpl copy = MailImpl.duplicate(mail);
        try {
            copy.setRecipients(recipients);
            copy.setSender(localAddressOf(owner));
            // DSNBounce writes this into the report's Status and Diagnostic-Code lines: one line, the relay's reply first.
            copy.setAttribute(new Attribute(Bouncer.DELIVERY_ERROR, AttributeValue.of(replyFirst(oneLine(diagnostic)))));
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

    /**
     * {@code 550 5.1.1 no such user (Relay x: Invalid Addresses)} rather than the reverse: DSNBounce then labels the
     * Diagnostic-Code as {@code smtp}, and the Status line starts with the reply code and enhanced status.
     */
    static String replyFirst(String diagnostic) {
        Matcher reply = SMTP_REPLY.matcher(diagnostic);
        if (!reply.find() || reply.start() == 0) {
            return diagnostic;
        }
        String before = diagnostic.substring(0, reply.start())
            .replaceAll("\\s*\\(?\\w*Exception:\\s*$", "")
            .replaceAll("[:\\s]+$", "");
        String after = diagnostic.substring(reply.end()).replaceFirst("^\\)", "").trim();
        return reply.group().trim() + (before.isEmpty() ? "" : " (" + before + ")") + (after.isEmpty() ? "" : " " + after);
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ").trim();
    }
}
