package io.github.outboundrelay.core.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;


/**
 * Addresses a user-supplied relay host must never resolve to: this server, its private networks, and the cloud
 * metadata services reachable from it. IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64,
 * 6to4) are judged by the IPv4 address they carry, so {@code ::ffff:127.0.0.1} is as internal as {@code 127.0.0.1};
 * forms whose far end is decided by a translator or tunnel (local-use NAT64, SIIT, Teredo) are refused outright.
 * Used by the {@link RelayTargetGuard} for relays and by the OAuth endpoint policy for providers' endpoints.
 */
public final class InternalAddresses {
    private static final List<String> INTERNAL_NETWORKS = List.of(
        "0.0.0.0/8",          // "this network", includes the unspecified 0.0.0.0
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", // RFC 1918 private
        "100.64.0.0/10",      // carrier-grade NAT (and Alibaba's metadata 100.100.100.200)
        "127.0.0.0/8",        // loopback
        "169.254.0.0/16",     // link-local (and the AWS/GCP/Azure metadata 169.254.169.254)
        "192.0.0.0/24",       // IETF protocol assignments (Oracle cloud metadata 192.0.0.192)
        "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", // TEST-NET-1..3: documentation, never a real relay
        "192.88.99.0/24",     // 6to4 relay anycast: a tunnel endpoint
        "198.18.0.0/15",      // benchmarking: often routed to lab networks inside
        "224.0.0.0/4",        // multicast
        "240.0.0.0/4",        // reserved, broadcast
        "::/128", "::1/128",  // unspecified, loopback
        "::ffff:0:0:0/96",    // IPv4-translated (SIIT): a translator reaches the IPv4 address inside
        "64:ff9b:1::/48",     // local-use NAT64 (RFC 8215): translated by this network's own gateway
        "2001::/32",          // Teredo: a tunnel whose far end is hidden in the address
        "2001:db8::/32",      // documentation
        "fc00::/7",           // unique-local (and the AWS IPv6 metadata fd00:ec2::254)
        "fe80::/10", "fec0::/10", // link-local, old site-local
        "ff00::/8");          // multicast
    private static final byte[] NAT64_PREFIX = {0x00, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private static final List<Cidr> INTERNAL = INTERNAL_NETWORKS.stream().map(network -> Cidr.parse("internal", network)).toList();

    private InternalAddresses() {
    }

    public static boolean isInternal(InetAddress address) {
        Optional<Inet4Address> embedded = embeddedIpv4(address);
        if (embedded.isPresent()) {
            return isInternal(embedded.get());
        }
        return address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
            || address.isSiteLocalAddress() || address.isMulticastAddress() || INTERNAL.stream().anyMatch(network -> network.contains(address));
    }

    /** The IPv4 address an IPv6 address stands for, when it is one of the forms that tunnel or map IPv4. */
    static Optional<Inet4Address> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] bytes = address.getAddress();
        boolean firstTenZero = Arrays.equals(bytes, 0, 10, new byte[10], 0, 10);
        boolean mapped = firstTenZero && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        boolean compatible = firstTenZero && bytes[10] == 0 && bytes[11] == 0 && !isAllZeroOrOne(bytes);
        boolean nat64 = Arrays.equals(bytes, 0, 12, NAT64_PREFIX, 0, 12);
        if (mapped || compatible || nat64) {
            return Optional.of(ipv4(Arrays.copyOfRange(bytes, 12, 16)));
        }
        boolean sixToFour = bytes[0] == 0x20 && bytes[1] == 0x02;
        if (sixToFour) {
            return Optional.of(ipv4(Arrays.copyOfRange(bytes, 2, 6)));
        }
        return Optional.empty();
    }

    /** {@code ::} and {@code ::1} are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones. */
    private static boolean isAllZeroOrOne(byte[] bytes) {
        return Arrays.equals(bytes, 0, 15, new byte[15], 0, 15) && (bytes[15] == 0 || bytes[15] == 1);
    }

    private static Inet4Address ipv4(byte[] bytes) {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Four bytes are always an IPv4 address", e);
        }
    }
}
