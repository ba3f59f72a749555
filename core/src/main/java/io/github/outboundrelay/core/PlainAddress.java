package io.github.outboundrelay.core;

import java.util.regex.Pattern;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;

/**
 * The only form of send-as address accepted, what Gmail's "Send mail as" takes: a dot-atom local part (RFC 5322
 * atext: letters, digits and {@code !#$%&'*+-/=?^_`{|}~}, single dots between them) of at most
 * {@value #LOCAL_PART_MAX_LENGTH} characters, then a domain name (labels of letters, digits and hyphens, at least two,
 * an IDN in its ASCII form; no IP address), at most {@value #MAX_LENGTH} characters in all.
 *
 * <p>James's {@link MailAddress} also takes quoted local parts, in which {@code ;}, spaces and (escaped) CR and LF are
 * legal: ActiveMQ's mail spool splits a recipient on {@code ;}, and CR/LF would reach the SMTP dialogue, the code
 * mail's headers and log lines as lines of their own. {@link SendAsAddress} refuses them, so every surface does.</p>
 */
public final class PlainAddress {
    /** The name errors give the address: the path parameter and form field of every surface. */
    public static final String FIELD = "address";
    public static final int LOCAL_PART_MAX_LENGTH = 64;
    public static final int MAX_LENGTH = 254;
    private static final String ATEXT_SYMBOLS = "!#$%&'*+-/=?^_`{|}~";
    private static final String ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
    private static final Pattern DOT_ATOM = Pattern.compile(ATEXT + "+(\\." + ATEXT + "+)*");
    // RFC 1123 labels of 1..63; the last one not all digits, so that no dotted IPv4 address passes for a domain name.
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern DOMAIN_NAME = Pattern.compile("(" + LABEL + "\\.)+(?![0-9]+$)" + LABEL);

    private PlainAddress() {
    }

    /**
     * An address as a user or an admin wrote it (surrounding spaces ignored).
     *
     * @throws InvalidFieldException naming {@value #FIELD} when it is missing or not a plain address
     */
    public static MailAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidFieldException(FIELD, "is required");
        }
        String address = text.strip();
        int at = address.lastIndexOf('@');
        if (at < 0) {
            throw notAnAddress(address);
        }
        check(address.substring(0, at), address.substring(at + 1), address);
        try {
            return new MailAddress(address);
        } catch (AddressException e) {
            throw notAnAddress(address);
        }
    }

    /**
     * @return {@code address} when it is plain
     * @throws InvalidFieldException naming {@value #FIELD} otherwise
     */
    public static MailAddress require(MailAddress address) {
        check(address.getLocalPart(), address.getDomain().asString(), address.asString());
        return address;
    }

    private static void check(String localPart, String domain, String address) {
        if (localPart.length() + 1 + domain.length() > MAX_LENGTH) {
            throw new InvalidFieldException(FIELD, "must be at most " + MAX_LENGTH + " characters");
        }
        if (localPart.length() > LOCAL_PART_MAX_LENGTH) {
            throw new InvalidFieldException(FIELD, "must have at most " + LOCAL_PART_MAX_LENGTH + " characters before the @");
        }
        if (!DOT_ATOM.matcher(localPart).matches()) {
            throw new InvalidFieldException(FIELD, "must be a plain address: before the @ only letters, digits and "
                + ATEXT_SYMBOLS + ", with single dots between them (no quotes, spaces or control characters): "
                + Printable.of(address));
        }
        if (!DOMAIN_NAME.matcher(domain).matches()) {
            throw new InvalidFieldException(FIELD, "must end with a domain name: after the @ labels of letters, digits "
                + "and hyphens, at least two (no IP address): " + Printable.of(address));
        }
    }

    private static InvalidFieldException notAnAddress(String address) {
        return new InvalidFieldException(FIELD, "is not a valid mail address: " + Printable.of(address));
    }
}
