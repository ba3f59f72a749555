package io.github.outboundrelay.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the connection to a send-as relay is protected.
 */
public enum RelaySecurity {
    /** Implicit TLS from the first byte (usually port 465). */
    SMTPS,
    /** Plain connect, then STARTTLS is required: never continue in clear if it is missing or fails. */
    STARTTLS,
    /** No encryption at all: only where the domain policy explicitly allows insecure relays. */
    NONE;

    public static RelaySecurity parse(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, "is required (one of " + allowedValues() + ")");
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(field, "must be one of " + allowedValues() + ", got '" + value + "'");
        }
    }

    public boolean isEncrypted() {
        return this != NONE;
    }

    private static String allowedValues() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
