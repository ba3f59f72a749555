package io.github.outboundrelay.mailets;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.util.DurationParser;
import org.apache.mailet.MailetConfig;


/**
 * Reads one mailet parameter at a time and refuses a bad value with an error that names the parameter, so that
 * James stops at start-up with a message the admin can act on.
 */
record MailetParameters(MailetConfig config) {
    private static final String OFF = "off";

    String nonBlank(String name, String defaultValue) throws MessagingException {
        String value = Optional.ofNullable(config.getInitParameter(name)).orElse(defaultValue).trim();
        if (value.isEmpty()) {
            throw invalid(name, "must not be empty");
        }
        return value;
    }

    /** A positive whole number that is off when set to {@code off} or 0. */
    Optional<Integer> optionalPositiveInt(String name, int defaultValue) throws MessagingException {
        String raw = config.getInitParameter(name);
        if (raw != null && (raw.trim().equalsIgnoreCase(OFF) || raw.trim().equals("0"))) {
            return Optional.empty();
        }
        return Optional.of(positiveInt(name, defaultValue));
    }

    int positiveInt(String name, int defaultValue) throws MessagingException {
        String raw = config.getInitParameter(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < 1) {
                throw invalid(name, "must be at least 1, got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(name, "not a whole number: '" + raw + "'");
        }
    }

    Duration duration(String name, String defaultValue) throws MessagingException {
        String raw = Optional.ofNullable(config.getInitParameter(name)).orElse(defaultValue);
        return parseDuration(name, raw);
    }

    /** A duration that is off unless set: absent, empty or {@code off}. */
    Optional<Duration> optionalDuration(String name) throws MessagingException {
        String raw = config.getInitParameter(name);
        if (raw == null || raw.isBlank() || raw.trim().equalsIgnoreCase(OFF)) {
            return Optional.empty();
        }
        return Optional.of(parseDuration(name, raw));
    }

    /** A duration that is on unless set {@code off}: absent, it is {@code defaultValue}. */
    Optional<Duration> durationUnlessOff(String name, String defaultValue) throws MessagingException {
        String raw = config.getInitParameter(name);
        if (raw != null && raw.trim().equalsIgnoreCase(OFF)) {
            return Optional.empty();
        }
        return Optional.of(duration(name, defaultValue));
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) throws MessagingException {
        String raw = nonBlank(name, defaultValue.name().toLowerCase(Locale.ROOT));
        try {
            return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed = Arrays.stream(type.getEnumConstants())
                .map(value -> "'" + value.name().toLowerCase(Locale.ROOT) + "'")
                .collect(Collectors.joining(" or "));
            throw invalid(name, "must be " + allowed + ", got '" + raw + "'");
        }
    }

    static MessagingException invalid(String name, String why) {
        return new MessagingException("Invalid '" + name + "': " + why);
    }

    private static Duration parseDuration(String name, String raw) throws MessagingException {
        Duration value;
        try {
            value = DurationParser.parse(raw.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(name, "not a duration such as '5 minutes': '" + raw + "'");
        }
        if (value.isNegative() || value.isZero()) {
            throw invalid(name, "must be positive, got '" + raw + "'");
        }
        return value;
    }
}
