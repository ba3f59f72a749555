package io.github.outboundrelay.core.settings;

import java.util.Objects;
import java.util.Optional;

import org.apache.james.core.Username;

/**
 * Who changes a send-as address or a setting: the user who owns it (self-service) or an admin (WebAdmin, or the admin
 * area of the self-service surface). Only an admin may vouch for an address ({@code "verified": true}) instead of
 * confirming a code. {@code name} is the admin's James account when it is known (the admin area's signed-in admin);
 * WebAdmin's callers are not named (James's WebAdmin has no user), nor is a user (the owner is named by the event).
 */
public record Actor(Kind kind, Optional<Username> name) {
    public enum Kind {
        USER,
        ADMIN
    }

    /** The owner of the address, on the self-service surface. */
    public static final Actor USER = new Actor(Kind.USER, Optional.empty());
    /** An admin who is not named: WebAdmin, or the system on an admin's behalf. */
    public static final Actor ADMIN = new Actor(Kind.ADMIN, Optional.empty());

    public Actor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** The signed-in admin {@code name}. */
    public static Actor admin(Username name) {
        return new Actor(Kind.ADMIN, Optional.of(name));
    }

    public boolean isAdmin() {
        return kind == Kind.ADMIN;
    }
}
