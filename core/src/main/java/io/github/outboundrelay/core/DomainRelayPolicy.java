package io.github.outboundrelay.core;

import java.util.Objects;

import org.apache.james.core.Domain;

/**
 * What the admin of a local domain decided for its users' alternate ("send mail as") addresses:
 * <ul>
 *     <li>{@code alternateAddressesAllowed}: may they send as their verified alternate addresses at all (on by
 *     default, as in Gmail); without a relay, or while relays are not allowed, our own servers send that mail;</li>
 *     <li>{@code relayAllowed}: may that mail go through the address's own relay (the other domain's SMTP server; off
 *     by default);</li>
 *     <li>{@code insecureRelayAllowed}: may such a relay be reached without TLS ({@link RelaySecurity#NONE}, which
 *     sends the relay password in clear; off unless asked for).</li>
 *     <li>{@code dmarcCheck}: is the DMARC policy of an alternate address's domain looked up (on by default), so that
 *     an address whose domain asks receivers to reject mail not sent by its own servers ({@code p=reject}) is refused
 *     without its relay, and a {@code p=quarantine} one warned about.</li>
 * </ul>
 */
public record DomainRelayPolicy(Domain domain, boolean relayAllowed, boolean insecureRelayAllowed,
                                boolean alternateAddressesAllowed, boolean dmarcCheck) {
    public DomainRelayPolicy {
        Objects.requireNonNull(domain, "domain");
    }

    /** Alternate addresses on, through our servers; relaying off until an admin turns it on. */
    public static DomainRelayPolicy defaultFor(Domain domain) {
        return new DomainRelayPolicy(domain, false, false, true, true);
    }

    /** The DMARC check on (the default). */
    public DomainRelayPolicy(Domain domain, boolean relayAllowed, boolean insecureRelayAllowed,
                             boolean alternateAddressesAllowed) {
        this(domain, relayAllowed, insecureRelayAllowed, alternateAddressesAllowed, true);
    }

    public DomainRelayPolicy withDmarcCheck(boolean check) {
        return new DomainRelayPolicy(domain, relayAllowed, insecureRelayAllowed, alternateAddressesAllowed, check);
    }

    /** Alternate addresses allowed (the default). */
    public DomainRelayPolicy(Domain domain, boolean relayAllowed, boolean insecureRelayAllowed) {
        this(domain, relayAllowed, insecureRelayAllowed, true);
    }

    public DomainRelayPolicy(Domain domain, boolean relayAllowed) {
        this(domain, relayAllowed, false);
    }

    /** Whether a relay with that security mode may be used by this domain's users. */
    public boolean admits(RelaySecurity security) {
        return security.isEncrypted() || insecureRelayAllowed;
    }

    /** Whether mail from an alternate address may go through that relay: relays allowed, and that security admitted. */
    public boolean allowsRelayThrough(RelayServer relay) {
        return alternateAddressesAllowed && relayAllowed && admits(relay.security());
    }
}
