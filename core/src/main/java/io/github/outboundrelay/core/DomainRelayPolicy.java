package io.github.outboundrelay.core;

import java.util.Objects;

import org.apache.james.core.Domain;

/**
 * What the admin of a local domain decided: may its users relay through their send-as relays.
 */
public record DomainRelayPolicy(Domain domain, boolean relayAllowed) {
    public DomainRelayPolicy {
        Objects.requireNonNull(domain, "domain");
    }

    /** Relaying is off until an admin turns it on. */
    public static DomainRelayPolicy defaultFor(Domain domain) {
        return new DomainRelayPolicy(domain, false);
    }
}
