package io.github.outboundrelay.core;

import java.util.Objects;

import org.apache.james.core.Domain;

/**
 * What the admin of a local domain decided: may its users relay through their send-as relays, and may those relays be
 * reached without TLS ({@link RelaySecurity#NONE}, which sends the relay password in clear: off unless asked for).
 */
public record DomainRelayPolicy(Domain domain, boolean relayAllowed, boolean insecureRelayAllowed) {
    public DomainRelayPolicy {
        Objects.requireNonNull(domain, "domain");
    }

    /** Relaying is off until an admin turns it on. */
    public static DomainRelayPolicy defaultFor(Domain domain) {
        return new DomainRelayPolicy(domain, false, false);
    }

    public DomainRelayPolicy(Domain domain, boolean relayAllowed) {
        this(domain, relayAllowed, false);
    }

    /** Whether a relay with that security mode may be used by this domain's users. */
    public boolean admits(RelaySecurity security) {
        return security.isEncrypted() || insecureRelayAllowed;
    }
}
