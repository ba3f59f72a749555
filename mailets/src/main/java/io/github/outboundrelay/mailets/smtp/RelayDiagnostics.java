package io.github.outboundrelay.mailets.smtp;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;

import io.github.outboundrelay.core.Printable;

/**
 * Diagnostics for logs and DSNs: the server's reply or the network cause, without anything the client sent (never
 * the AUTH payload).
 */
public final class RelayDiagnostics {
    // The relay's reply as javax.mail reports it: a 3-digit code at the start of the text or after ": ".
    private static final Pattern REPLY_CODE = Pattern.compile("(?:^|: )([2-5]\\d\\d)(?=[ -]|$)");
    // A full reply with its enhanced status: "550 5.1.1 text", up to a closing parenthesis or the end.
    private static final Pattern SMTP_REPLY = Pattern.compile("[2-5]\\d\\d [2-5]\\.\\d{1,3}\\.\\d{1,3}[^)]*");

    private RelayDiagnostics() {
    }

    /** The relay's reply code quoted in a diagnostic, if there is one. */
    static Optional<Integer> replyCode(String diagnostic) {
        Matcher matcher = REPLY_CODE.matcher(diagnostic);
        return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }

    /**
     * {@code 550 5.1.1 no such user (Relay x: Invalid Addresses)} rather than the reverse: DSNBounce then labels the
     * Diagnostic-Code as {@code smtp}, and the Status line starts with the reply code and enhanced status.
     */
    public static String replyFirst(String diagnostic) {
        Matcher reply = SMTP_REPLY.matcher(diagnostic);
        if (!reply.find() || reply.start() == 0) {
            return diagnostic;
        }
        String before = withoutTrailingExceptionName(diagnostic.substring(0, reply.start()));
        String after = diagnostic.substring(reply.end()).replaceFirst("^\\)", "").trim();
        return reply.group().trim() + (before.isEmpty() ? "" : " (" + before + ")") + (after.isEmpty() ? "" : " " + after);
    }

    /**
     * {@code "Invalid Addresses (SMTPAddressFailedException: "} becomes {@code "Invalid Addresses"}. Scanned from the
     * end by hand: the text may hold a long run of whitespace the relay sent, on which a regex anchored at {@code $}
     * (like {@code \s*...$}) backtracks from every start position, quadratic in its length.
     */
    private static String withoutTrailingExceptionName(String text) {
        int end = skipBack(text, text.length(), " \t\n\u000B\f\r");
        String exception = "Exception:";
        if (text.startsWith(exception, end - exception.length())) {
            end -= exception.length();
            while (end > 0 && isWordCharacter(text.charAt(end - 1))) {
                end--;
            }
            if (end > 0 && text.charAt(end - 1) == '(') {
                end--;
            }
        }
        return text.substring(0, skipBack(text, end, ": \t\n\u000B\f\r"));
    }

    private static int skipBack(String text, int end, String characters) {
        while (end > 0 && characters.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return end;
    }

    private static boolean isWordCharacter(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /**
     * What javax.mail reports (the relay's reply, or the network cause) on one line: a multi-line reply's lines joined,
     * anything else that could break a log line, a DSN field or an API answer escaped. Where relay text becomes ours.
     */
    static String describe(Exception e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).trim());
        Throwable cause = e instanceof MessagingException messaging && messaging.getNextException() != null
            ? messaging.getNextException() : e.getCause();
        if (cause instanceof IOException || cause instanceof MessagingException) {
            text.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(String.valueOf(cause.getMessage()).trim()).append(')');
        }
        return Printable.oneLine(text.toString());
    }

    /** The relay's last reply as {@link javax.mail.Transport} keeps it (lines of a multi-line reply joined by LF), on one line. */
    static String reply(String lastServerResponse) {
        return Printable.oneLine(String.valueOf(lastServerResponse));
    }
}
