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
 * The body of {@code PUT .../send-as/{address}}, validated field by field: the relay ({@code host}, {@code port},
 * {@code security}, {@code username}, {@code password}: the password optional only for an update that keeps the relay
 * account), or none (no {@code host}: our servers send the address's mail, and none of the relay's fields may be
 * given); {@code verified} (an admin vouching for the address; refused from a user); {@code displayName} (optional,
 * the name shown with the address; absent or blank: none). Its {@link #toString()} never shows the password.
 */
public record SendAsRequest(Optional<Relay> relay, Optional<Boolean> verified, Optional<String> displayName) {
    private static final Set<String> FIELDS = Set.of("host", "port", "security", "username", "password", "verified",
        "displayName");
    private static final Set<String> RELAY_FIELDS = Set.of("port", "security", "username", "password");

    /** The relay asked for: its server, the account, and the password when one is given. */
    public record Relay(RelayServer server, String username, Optional<String> password) {
        public Relay {
            Objects.requireNonNull(server, "relay");
            if (username == null || username.isBlank()) {
                throw new InvalidFieldException("username", "must not be blank");
            }
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return server + ", username=" + username + ", password=" + (password.isPresent() ? "****" : "(unchanged)");
        }
    }

    /** A request with a relay. */
    public SendAsRequest(RelayServer relay, String username, Optional<String> password, Optional<Boolean> verified,
                         Optional<String> displayName) {
        this(Optional.of(new Relay(relay, username, password)), verified, displayName);
    }

    /** A request with a relay, without a display name. */
    public SendAsRequest(RelayServer relay, String username, Optional<String> password, Optional<Boolean> verified) {
        this(relay, username, password, verified, Optional.empty());
    }

    /** A request without a relay: our servers send the address's mail. */
    public static SendAsRequest withoutRelay(Optional<Boolean> verified, Optional<String> displayName) {
        return new SendAsRequest(Optional.empty(), verified, displayName);
    }

    public SendAsRequest {
        Objects.requireNonNull(relay, "relay");
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
        JsonNode verified = body.get("verified");
        if (verified != null && !verified.isBoolean()) {
            throw new InvalidFieldException("verified", "must be true or false");
        }
        return new SendAsRequest(relay(body), verified == null ? Optional.empty() : Optional.of(verified.booleanValue()),
            SettingsJson.optionalText(body, "displayName"));
    }

    /** No host (absent or null): no relay, and then no other relay field either. */
    private static Optional<Relay> relay(JsonNode body) {
        if (SettingsJson.optionalText(body, "host").isEmpty()) {
            Optional<String> relayField = RELAY_FIELDS.stream().sorted().filter(field -> isGiven(body, field)).findFirst();
            if (relayField.isPresent()) {
                throw new InvalidFieldException("host", "is required with '" + relayField.get() + "' (leave out every "
                    + "relay field to send through our servers)");
            }
            return Optional.empty();
        }
        RelayServer server = new RelayServer(text(body, "host"), port(body), RelaySecurity.parse("security", text(body, "security")));
        String username = text(body, "username");
        if (username.isBlank()) {
            throw new InvalidFieldException("username", "must not be blank");
        }
        return Optional.of(new Relay(server, username, SettingsJson.optionalText(body, "password")));
    }

    private static boolean isGiven(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && !value.isNull();
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
        return SettingsJson.optionalText(body, field).orElseThrow(() -> new InvalidFieldException(field, "is required"));
    }


    @Override
    public String toString() {
        return "SendAsRequest[relay=" + relay.map(Relay::toString).orElse("none (our servers)") + ", verified="
            + verified.map(String::valueOf).orElse("-") + ", displayName=" + displayName.orElse("-") + "]";
    }
}
