package io.github.outboundrelay.core;

import java.util.Enumeration;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import io.github.outboundrelay.core.store.OwnedSendAs;

/**
 * Reads the author of a message the strict way: exactly one {@code From:} field holding exactly one mailbox.
 * Anything ambiguous (several From fields, several mailboxes, groups, line breaks or control characters smuggled
 * into the field, unparsable syntax) yields nothing, so that it can never be taken for a send-as address.
 */
public final class FromHeader {
    private static final String[] FROM = {"From"};

    private FromHeader() {
    }

    /**
     * The {@link SendAsKey} of the message's single From mailbox: the per-mail path, which skips building a
     * MailAddress (an address that would not be a valid one is simply never a registered key).
     */
    public static Optional<String> singleMailboxKey(MimeMessage message) {
        try {
            String line = singleFromLine(message);
            if (line == null) {
                return Optional.empty();
            }
            return singleAddrSpec(line.substring(valueStart(line))).flatMap(FromHeader::key);
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }

    /**
     * The whole line ({@code From: value}, folds included) of the message's only From field; null when it has none or
     * several. The lines {@code getMatchingHeaderLines} gives are those whose values {@code getHeader("From")} gives
     * (the same fields, matched by name whatever its case), read without building getHeader's list, its array and a
     * copy of each value: this runs for every mail of a user with alternate addresses.
     */
    static String singleFromLine(MimeMessage message) throws MessagingException {
        Enumeration<String> lines = message.getMatchingHeaderLines(FROM);
        if (lines == null || !lines.hasMoreElements()) {
            return null;
        }
        String line = lines.nextElement();
        return lines.hasMoreElements() ? null : line;
    }

    /**
     * Where the field's value starts in its line, as javax.mail's header value is taken: after the colon and any
     * spaces, tabs and line breaks that follow it; the whole line when it has no colon.
     */
    static int valueStart(String line) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            return 0;
        }
        int start = colon + 1;
        while (start < line.length()) {
            char c = line.charAt(start);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
            start++;
        }
        return start;
    }

    /**
     * Which of {@code candidates} (one user's addresses, the chain of the owner index) the message's single From
     * mailbox is, if any. A field in the plain shape nearly all mail has ({@code addr-spec} or
     * {@code Name <addr-spec>}, ASCII letters, digits and a few punctuation marks only) is read directly, a cheap scan
     * that gives what the strict parser would; anything else goes through {@link #singleAddrSpec}. The header lines
     * after a first From that is none of the candidates are not read: with or without a second From field, the
     * answer is none.
     */
    public static Optional<OwnedSendAs> singleMailboxAmong(MimeMessage message, OwnedSendAs candidates) {
        try {
            Enumeration<String> lines = message.getMatchingHeaderLines(FROM);
            if (lines == null || !lines.hasMoreElements()) {
                return Optional.empty();
            }
            OwnedSendAs found = candidateOf(lines.nextElement(), candidates);
            return found == null || lines.hasMoreElements() ? Optional.empty() : Optional.of(found);
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }

    /** The candidate that is the single mailbox of the From field {@code line}; null when none is. */
    private static OwnedSendAs candidateOf(String line, OwnedSendAs candidates) {
        int valueStart = valueStart(line);
        String plain = plainAddrSpec(line, valueStart);
        String key = plain != null ? null : singleAddrSpec(line.substring(valueStart)).flatMap(FromHeader::key).orElse(null);
        if (plain == null && key == null) {
            return null;
        }
        for (OwnedSendAs candidate = candidates; candidate != null; candidate = candidate.next()) {
            if (plain != null ? SendAsKey.isKeyOf(candidate.key(), plain) : candidate.key().equals(key)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The addr-spec of a field that is exactly {@code local@domain}, {@code <local@domain>} or
     * {@code Display Name <local@domain>} with a display name of ASCII letters, digits and spaces, a local part of
     * letters, digits and {@code . _ + -} (dot-atom) and a domain of letters, digits, {@code -} and dots; null for
     * any other field (the strict parser decides those).
     */
    static String plainAddrSpec(String value) {
        return plainAddrSpec(value, 0);
    }

    /** {@link #plainAddrSpec(String)} of the part of {@code value} from {@code from} on (a header line after its name). */
    private static String plainAddrSpec(String value, int from) {
        int start = from;
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
