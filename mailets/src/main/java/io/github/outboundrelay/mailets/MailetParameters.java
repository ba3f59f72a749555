package io.github.outboundrelay.mailets;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.util.DurationParser;
import org.apache.mailet.MailetConfig;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.PortRange;

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

    /** A comma-separated list; empty when the parameter is absent or blank. */
    List<String> list(String name) {
        String raw = config.getInitParameter(name);
        if (raw == null) {
            return List.of();
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    List<PortRange> portRanges(String name, String defaultValue) throws MessagingException {
        String raw = Optional.ofNullable(config.getInitParameter(name)).orElse(defaultValue);
        try {
            return PortRange.parseList(name, raw);
        } catch (InvalidFieldException e) {
            throw new MessagingException(e.getMessage());
        }
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

    Optional<KeyStore> trustStore(String pathName, String passwordName, String typeName) throws MessagingException {
        String path = config.getInitParameter(pathName);
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        String password = Optional.ofNullable(config.getInitParameter(passwordName)).orElse("");
        String type = nonBlank(typeName, "PKCS12");
        try (InputStream in = new FileInputStream(path.trim())) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password.toCharArray());
            return Optional.of(store);
        } catch (IOException | GeneralSecurityException e) {
            // The key store's own message, never the password.
            throw invalid(pathName, "cannot load " + type + " trust store '" + path + "' (check '" + passwordName
                + "' and '" + typeName + "'): " + e.getMessage());
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
