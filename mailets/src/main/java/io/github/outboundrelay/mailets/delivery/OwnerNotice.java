package io.github.outboundrelay.mailets.delivery;

import java.util.UUID;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.MailetContext;

import io.github.outboundrelay.core.Printable;

/**
 * A plain notice from the postmaster to a user's local mailbox, sent through the root processor like any local mail
 * (the credentials-refused and reconnect notices, the DMARC hardening notice). Not a DSN: nothing has failed.
 */
public final class OwnerNotice {
    private OwnerNotice() {
    }

    /** @param subject put on one line here; {@code kind} names the mail ({@code outbound-relay-<kind>-<uuid>}) */
    public static void send(MailetContext context, MailAddress owner, String kind, String subject, String text)
        throws MessagingException {
        MailAddress postmaster = context.getPostmaster();
        MimeMessage notice = MimeMessageBuilder.mimeMessageBuilder()
            .addFrom(postmaster.asString())
            .addToRecipient(owner.asString())
            .setSubject(Printable.oneLine(subject))
            .setText(text)
            .build();
        MailImpl noticeMail = MailImpl.builder()
            .name("outbound-relay-" + kind + "-" + UUID.randomUUID())
            .sender(postmaster)
            .addRecipient(owner)
            .mimeMessage(notice)
            .build();
        try {
            context.sendMail(noticeMail);
        } finally {
            LifecycleUtil.dispose(noticeMail);
        }
    }
}
