package io.github.outboundrelay.core.settings;

import java.util.Objects;
import java.util.Optional;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.settings.JsonBodies.WrongType;

/**
 * The body of {@code PUT .../send-as/{address}}, validated field by field: the relay ({@code host}, {@code port},
 * {@code security}, {@code username}, {@code password}: the password optional only for an update that keeps the relay
 * account), or none (no {@code host}: our servers send the address's mail, and none of the relay's fields may be
 * given); {@code verified} (an admin vouching for the address; refused from a user); {@code displayName} (optional,
 * the name shown with the address; absent or blank: none). Its {@link #toString()} never shows the password.
 */
public record SendAsRequest(Optional<Relay> relay, Optional<Boolean> verified, Optional<String> displayName) {
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

    /**
     * The body of the PUT as sent, JSON bound by {@link JsonBodies} or the page's form mapped to it: {@code null} is
     * a field left out (or set to null). No {@code host}: no relay, and then no other relay field either.
     */
    public record Body(String host,
                       @WrongType("must be a whole number between 1 and 65535") Integer port,
                       String security, String username, String password,
                       Boolean verified,
                       String displayName) {
        public Body {
            if (host == null) {
                // The first one given, in alphabetical order.
                notWithoutHost("password", password);
                notWithoutHost("port", port);
                notWithoutHost("security", security);
                notWithoutHost("username", username);
            } else {
                required("port", port);
                required("security", security);
            }
        }

        private static void notWithoutHost(String field, Object value) {
            if (value != null) {
                throw new InvalidFieldException("host", "is required with '" + field + "' (leave out every relay field to "
                    + "send through our servers)");
            }
        }

        private static void required(String field, Object value) {
            if (value == null) {
                throw new InvalidFieldException(field, "is required");
            }
        }

        public SendAsRequest toRequest() {
            Optional<Relay> relay = Optional.empty();
            if (host != null) {
                RelayServer server = new RelayServer(host, port, RelaySecurity.parse("security", security));
                required("username", username);
                relay = Optional.of(new Relay(server, username, Optional.ofNullable(password)));
            }
            return new SendAsRequest(relay, Optional.ofNullable(verified), Optional.ofNullable(displayName));
        }

        @Override
        public String toString() {
            return "Body[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null ? "-" : "****") + ", verified=" + verified + ", displayName="
                + displayName + "]";
        }
    }

    /** The JSON body of the PUT, bound and checked (400 naming the field). */
    public static SendAsRequest parse(String body) {
        try {
            return JsonBodies.read(body, Body.class).toRequest();
        } catch (JsonBodies.UnknownFieldException e) {
            if ("provider".equals(e.getField())) {
                throw new InvalidFieldException("provider", "is not set with PUT: an OAuth account is connected with POST "
                    + ".../send-as/{address}/oauth/device (or from the self-service page)");
            }
            throw e;
        }
    }

    /** Whether an admin vouched for the address: it is then verified without a code. */
    public boolean vouched() {
        return verified.orElse(false);
    }

    @Override
    public String toString() {
        return "SendAsRequest[relay=" + relay.map(Relay::toString).orElse("none (our servers)") + ", verified="
            + verified.map(String::valueOf).orElse("-") + ", displayName=" + displayName.orElse("-") + "]";
    }
}
