package io.github.outboundrelay.core;

import java.util.List;
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

    /**
     * Which of {@code candidates} (one user's addresses) the message's single From mailbox is, if any. A field in the
     * plain shape nearly all mail has ({@code addr-spec} or {@code Name <addr-spec>}, ASCII letters, digits and a
     * few punctuation marks only) is read directly, a cheap scan that gives what the strict parser would; anything
     * else goes through {@link #singleAddrSpec}.
     */
    public static Optional<SendAsAddress> singleMailboxAmong(MimeMessage message, List<SendAsAddress> candidates) {
        try {
            String[] fields = message.getHeader("From");
            if (fields == null || fields.length != 1) {
                return Optional.empty();
            }
            String plain = plainAddrSpec(fields[0]);
            if (plain != null) {
                for (SendAsAddress candidate : candidates) {
                    if (SendAsKey.isKeyOf(candidate.address(), plain)) {
                        return Optional.of(candidate);
                    }
                }
                return Optional.empty();
            }
            Optional<String> key = singleAddrSpec(fields[0]).flatMap(FromHeader::key);
            return key.flatMap(found -> candidates.stream().filter(candidate -> candidate.key().equals(found)).findFirst());
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }

    /**
     * The addr-spec of a field that is exactly {@code local@domain}, {@code <local@domain>} or
     * {@code Display Name <local@domain>} with a display name of ASCII letters, digits and spaces, a local part of
     * letters, digits and {@code . _ + -} (dot-atom) and a domain of letters, digits, {@code -} and dots; null for
     * any other field (the strict parser decides those).
     */
    static String plainAddrSpec(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        if (end > start && value.charAt(end - 1) == '>') {
            int open = value.lastIndexOf('<', end - 1);
            if (open < start) {
                return null;
            }
            for (int i = start; i < open; i++) {
                char c = value.charAt(i);
                if (!(isAsciiLetterOrDigit(c) || c == ' ')) {
                    return null;
                }
            }
            start = open + 1;
            end--;
        }
        return isPlainAddrSpec(value, start, end) ? value.substring(start, end) : null;
    }

    private static boolean isPlainAddrSpec(String value, int start, int end) {
        int at = value.indexOf('@', start);
        if (at < 0 || at >= end) {
            return false;
        }
        return isDotAtom(value, start, at, true) && isDotAtom(value, at + 1, end, false);
    }

    /** Non-empty, dot-separated non-empty runs of the allowed characters. */
    private static boolean isDotAtom(String value, int start, int end, boolean localPart) {
        if (start >= end || value.charAt(start) == '.' || value.charAt(end - 1) == '.') {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            boolean allowed = isAsciiLetterOrDigit(c) || c == '-' || (localPart && (c == '_' || c == '+'))
                || (c == '.' && value.charAt(i - 1) != '.');
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
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
