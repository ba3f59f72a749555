package io.github.outboundrelay.core;

import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.james.core.MailAddress;

/**
 * Reads the author of a message the strict way: exactly one {@code From:} field holding exactly one mailbox.
 * Anything ambiguous (several From fields, several mailboxes, groups, line breaks or control characters smuggled
 * into the field, unparsable syntax) yields nothing, so that it can never be taken for a send-as address.
 */
public final class FromHeader {
    private FromHeader() {
    }

    public static Optional<MailAddress> singleMailbox(MimeMessage message) {
        try {
            String[] fields = message.getHeader("From");
            if (fields == null || fields.length != 1) {
                return Optional.empty();
            }
            return singleMailbox(fields[0]);
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }

    public static Optional<MailAddress> singleMailbox(String fieldValue) {
        String unfolded = MimeUtility.unfold(fieldValue);
        if (unfolded.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            return Optional.empty();
        }
        try {
            InternetAddress[] mailboxes = InternetAddress.parseHeader(unfolded, true);
            if (mailboxes.length != 1 || mailboxes[0].isGroup()) {
                return Optional.empty();
            }
            return Optional.of(new MailAddress(mailboxes[0].getAddress()));
        } catch (AddressException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
