package io.github.outboundrelay.core;

import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

/**
 * Reads the author of a message the strict way: exactly one {@code From:} field holding exactly one mailbox.
 * Anything ambiguous (several From fields, several mailboxes, groups, line breaks or control characters smuggled
 * into the field, unparsable syntax) yields nothing, so that it can never be taken for a send-as address.
 */
public final class FromHeader {
    private FromHeader() {
    }

    /**
     * The {@link SendAsKey} of the message's single From mailbox: the per-mail path, which skips building a
     * MailAddress (an address that would not be a valid one is simply never a registered key).
     */
    public static Optional<String> singleMailboxKey(MimeMessage message) {
        try {
            String[] fields = message.getHeader("From");
            if (fields == null || fields.length != 1) {
                return Optional.empty();
            }
            return singleAddrSpec(fields[0]).flatMap(FromHeader::key);
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }

    /** The addr-spec of the field's single mailbox, or nothing when the field is anything else. */
    static Optional<String> singleAddrSpec(String fieldValue) {
        String unfolded = MimeUtility.unfold(fieldValue);
        for (int i = 0; i < unfolded.length(); i++) {
            char c = unfolded.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return Optional.empty();
            }
        }
        try {
            InternetAddress[] mailboxes = InternetAddress.parseHeader(unfolded, true);
            if (mailboxes.length != 1 || mailboxes[0].isGroup()) {
                return Optional.empty();
            }
            return Optional.ofNullable(mailboxes[0].getAddress());
        } catch (AddressException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> key(String addrSpec) {
        int at = addrSpec.lastIndexOf('@');
        if (at <= 0 || at == addrSpec.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(SendAsKey.of(addrSpec.substring(0, at), addrSpec.substring(at + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
