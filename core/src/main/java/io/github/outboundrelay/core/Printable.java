package io.github.outboundrelay.core;

/**
 * Text from outside (a user, a relay's reply, an authorization server's answer, a mail header) made fit for one log
 * line, error message or diagnostic: it can never start a line of its own. Applied where such text enters our code,
 * so that whatever carries it on (a log call, a DSN, an API answer) holds it on one line.
 */
public final class Printable {
    private Printable() {
    }

    /**
     * {@code value} with each control character (CR, LF, tab, NUL, DEL, C1 such as NEL) and Unicode line or paragraph
     * separator written as an escape ({@code \r}, {@code \n}, {@code \t}, {@code \u2028}); {@code "null"} for null.
     */
    public static String of(Object value) {
        String text = String.valueOf(value);
        int first = firstUnprintable(text);
        if (first < 0) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 8).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            appendEscaped(escaped, text.charAt(i));
        }
        return escaped.toString();
    }

    /**
     * A multi-line text (an SMTP server's multi-line reply) as one line: each run of CR and LF becomes one space, any
     * other unprintable character an escape as in {@link #of}; trimmed.
     */
    public static String oneLine(String text) {
        StringBuilder line = new StringBuilder(text.length());
        boolean inBreak = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                if (!inBreak) {
                    line.append(' ');
                }
                inBreak = true;
                continue;
            }
            inBreak = false;
            appendEscaped(line, c);
        }
        return line.toString().trim();
    }

    private static int firstUnprintable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isUnprintable(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isUnprintable(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }

    private static void appendEscaped(StringBuilder to, char c) {
        switch (c) {
            case '\r' -> to.append("\\r");
            case '\n' -> to.append("\\n");
            case '\t' -> to.append("\\t");
            default -> {
                if (isUnprintable(c)) {
                    to.append(String.format("\\u%04x", (int) c));
                } else {
                    to.append(c);
                }
            }
        }
    }
}
