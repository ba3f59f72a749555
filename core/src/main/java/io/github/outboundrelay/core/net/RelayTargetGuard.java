package io.github.outboundrelay.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.dnsservice.api.DNSService;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayServer;

/**
 * Keeps user-supplied relay hosts from turning James into a proxy towards its own networks (SSRF): a relay must use
 * an allowed port and resolve only to public addresses, unless the admin allowed that host or network explicitly.
 * {@link #vet} returns the address that was checked: the caller connects to that address, never to a second lookup
 * of the name, which a DNS rebinding attacker could answer differently.
 */
public class RelayTargetGuard {
    public static final List<PortRange> DEFAULT_ALLOWED_PORTS = PortRange.parseList("allowedRelayPorts", "25,465,587,2525");

    private final DNSService dns;
    private final List<PortRange> allowedPorts;
    private final Set<String> allowedHosts;
    private final List<Cidr> allowedNetworks;

    public RelayTargetGuard(DNSService dns, List<PortRange> allowedPorts, Collection<String> allowedHosts,
                            Collection<String> allowedNetworks) {
        this.dns = dns;
        this.allowedPorts = List.copyOf(allowedPorts);
        this.allowedHosts = allowedHosts.stream().map(host -> host.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.allowedNetworks = allowedNetworks.stream().map(network -> Cidr.parse("allowedRelayNetworks", network)).toList();
    }

    /** The default: public relays on the usual submission ports, nothing internal. */
    public static RelayTargetGuard publicRelaysOnly(DNSService dns) {
        return new RelayTargetGuard(dns, DEFAULT_ALLOWED_PORTS, List.of(), List.of());
    }

    /** Checks the port alone; for validating input before any lookup. */
    public void checkPort(int port) {
        if (allowedPorts.stream().noneMatch(range -> range.contains(port))) {
            throw new RelayTargetRefusedException("port", port + " is not an allowed relay port (allowed: "
                + allowedPorts.stream().map(PortRange::toString).collect(Collectors.joining(", ")) + ")");
        }
    }

    /**
     * @return the address to connect to, checked
     * @throws RelayTargetRefusedException the port is not allowed, or the host resolves to an internal address
     * @throws UnknownHostException the host does not resolve now (a temporary condition for a delivery)
     */
    public InetAddress vet(RelayServer relay) throws UnknownHostException {
        checkPort(relay.port());
        Collection<InetAddress> addresses = dns.getAllByName(relay.host());
        if (addresses.isEmpty()) {
            throw new UnknownHostException(relay.host());
        }
        if (allowedHosts.contains(relay.host())) {
            return addresses.iterator().next();
        }
        // Every answer must pass: one internal address among public ones is enough to reach inside.
        for (InetAddress address : addresses) {
            if (InternalAddresses.isInternal(address) && !isAllowedNetwork(address)) {
                // The address itself is never echoed: the answer would map the inside for whoever asked.
                throw new RelayTargetRefusedException("host", relay.host() + " resolves to an internal address: not an "
                    + "allowed relay target");
            }
        }
        return addresses.iterator().next();
    }

    private boolean isAllowedNetwork(InetAddress address) {
        return allowedNetworks.stream().anyMatch(network -> network.contains(address));
    }

    /** The relay target is refused for good: the field says which part of it. */
    public static class RelayTargetRefusedException extends InvalidFieldException {
        public RelayTargetRefusedException(String field, String problem) {
            super(field, problem);
        }
    }
}
