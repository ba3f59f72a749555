package io.github.outboundrelay.core.settings;

import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;

/**
 * The body of {@code PUT .../send-as/{address}}, validated field by field: {@code host}, {@code port},
 * {@code security}, {@code username}, {@code password} (optional only for an update that keeps the relay account),
 * {@code verified} (an admin vouching for the address; refused from a user), {@code displayName} (optional, the name
 * shown with the address; absent or blank: none). Its {@link #toString()} never shows the password.
 */
public record SendAsRequest(RelayServer relay, String username, Optional<String> password, Optional<Boolean> verified,
                            Optional<String> displayName) {
    private static final Set<String> FIELDS = Set.of("host", "port", "security", "username", "password", "verified",
        "displayName");

    /** A request without a display name. */
    public SendAsRequest(RelayServer relay, String username, Optional<String> password, Optional<Boolean> verified) {
        this(relay, username, password, verified, Optional.empty());
    }

    public SendAsRequest {
        Objects.requireNonNull(relay, "relay");
        if (username == null || username.isBlank()) {
            throw new InvalidFieldException("username", "must not be blank");
        }
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(verified, "verified");
        Objects.requireNonNull(displayName, "displayName");
    }

    public static SendAsRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidFieldException("body", "must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if ("provider".equals(name)) {
                throw new InvalidFieldException("provider", "is not set with PUT: an OAuth account is connected with POST "
                    + ".../send-as/{address}/oauth/device (or from the self-service page)");
            }
            if (!FIELDS.contains(name)) {
                throw new InvalidFieldException(name, "is not a known field (expected host, port, security, username, password, verified, displayName)");
            }
        }
        RelayServer relay = new RelayServer(text(body, "host"), port(body), RelaySecurity.parse("security", text(body, "security")));
        String username = text(body, "username");
        if (username.isBlank()) {
            throw new InvalidFieldException("username", "must not be blank");
        }
        JsonNode verified = body.get("verified");
        if (verified != null && !verified.isBoolean()) {
            throw new InvalidFieldException("verified", "must be true or false");
        }
        return new SendAsRequest(relay, username, optionalText(body, "password"),
            verified == null ? Optional.empty() : Optional.of(verified.booleanValue()), optionalText(body, "displayName"));
    }

    /** Whether an admin vouched for the address: it is then verified without a code. */
    public boolean vouched() {
        return verified.orElse(false);
    }

    private static int port(JsonNode body) {
        JsonNode port = body.get("port");
        if (port == null || port.isNull()) {
            throw new InvalidFieldException("port", "is required");
        }
        if (!port.isIntegralNumber() || !port.canConvertToInt()) {
            throw new InvalidFieldException("port", "must be a whole number between 1 and 65535");
        }
        return port.intValue();
    }

    private static String text(JsonNode body, String field) {
        return optionalText(body, field).orElseThrow(() -> new InvalidFieldException(field, "is required"));
    }

    private static Optional<String> optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidFieldException(field, "must be a string");
        }
        return Optional.of(value.textValue());
    }

    @Override
    public String toString() {
        return "SendAsRequest[relay=" + relay + ", username=" + username + ", password="
            + (password.isPresent() ? "****" : "(unchanged)") + ", verified=" + verified.map(String::valueOf).orElse("-") + ", displayName=" + displayName.orElse("-") + "]";
    }
}
