package io.github.outboundrelay.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;

class RelayTargetGuardTest {
    InMemoryDNSService dns;
    RelayTargetGuard guard;

    @BeforeEach
    void setUp() throws Exception {
        dns = new InMemoryDNSService()
            .registerRecord("smtp.partner.test", InetAddress.getByName("93.184.216.25"), "smtp.partner.test");
        guard = RelayTargetGuard.publicRelaysOnly(dns);
    }

    @Test
    void publicRelayOnASubmissionPortIsVettedToTheAddressThatWasChecked() throws Exception {
        assertThat(guard.vet(relay("smtp.partner.test", 587))).isEqualTo(InetAddress.getByName("93.184.216.25"));
    }

    @ParameterizedTest
    @ValueSource(ints = {25, 465, 587, 2525})
    void defaultPortsAreAllowed(int port) {
        guard.checkPort(port);
    }

    @ParameterizedTest
    @ValueSource(ints = {22, 80, 443, 6379, 8000, 11211})
    void otherPortsAreRefusedNamingThePort(int port) {
        assertThatThrownBy(() -> guard.vet(relay("smtp.partner.test", port)))
            .isInstanceOf(RelayTargetGuard.RelayTargetRefusedException.class)
            .hasMessageStartingWith("'port'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "127.0.0.1", "127.1.2.3", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1",
        "100.64.0.1", "100.100.100.200", "169.254.169.254", "169.254.1.1", "192.0.0.192", "224.0.0.1",
        "239.255.255.250", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "::169.254.169.254", "64:ff9b::a00:1",
        "2002:7f00:1::1", "2002:a9fe:a9fe::1",
        // benchmarking, TEST-NETs, 6to4 relay anycast
        "198.18.0.1", "198.19.255.254", "192.0.2.10", "198.51.100.7", "203.0.113.25", "192.88.99.1",
        // local-use NAT64, Teredo (whatever IPv4 it hides), IPv4-translated (SIIT), IPv6 documentation
        "64:ff9b:1::a00:1", "64:ff9b:1:ffff::808:808", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::1",
        "::ffff:0:7f00:1", "::ffff:0:808:808", "2001:db8::25"})
    void hostResolvingToAnInternalAddressIsRefusedNamingTheHostButNotTheAddress(String internal) throws Exception {
        InetAddress address = InetAddress.getByName(internal);
        dns.registerRecord("evil.test", address, "evil.test");

        assertThatThrownBy(() -> guard.vet(relay("evil.test", 587)))
            .isInstanceOf(RelayTargetGuard.RelayTargetRefusedException.class)
            .hasMessageStartingWith("'host'")
            .hasMessageContaining("internal address")
            // The 400 answer and any DSN quote this message: it must not map the inside for whoever asked.
            .hasMessageNotContaining(address.getHostAddress())
            .hasMessageNotContaining(internal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.25", "8.8.8.8", "172.32.0.1", "100.128.0.1", "198.20.0.1", "192.0.3.1",
        "2a00:1450::1", "2001:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "64:ff9b:2::1", "2002:808:808::1"})
    void publicAddressesPass(String external) throws Exception {
        dns.registerRecord("ok.test", InetAddress.getByName(external), "ok.test");

        assertThat(guard.vet(relay("ok.test", 587))).isEqualTo(InetAddress.getByName(external));
    }

    @Test
    void oneInternalAnswerAmongPublicOnesIsEnoughToRefuse() throws Exception {
        dns.registerRecord("mixed.test", List.of(InetAddress.getByName("93.184.216.7"), InetAddress.getByName("10.0.0.7")),
            List.of(), List.of());

        assertThatThrownBy(() -> guard.vet(relay("mixed.test", 587)))
            .isInstanceOf(RelayTargetGuard.RelayTargetRefusedException.class);
    }

    @Test
    void hostThatDoesNotResolveIsReportedAsSuch() {
        assertThatThrownBy(() -> guard.vet(relay("nowhere.test", 587))).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void adminMayAllowANetwork() throws Exception {
        dns.registerRecord("relay.internal.test", InetAddress.getByName("10.20.30.40"), "relay.internal.test");
        dns.registerRecord("other.internal.test", InetAddress.getByName("10.99.0.1"), "other.internal.test");
        RelayTargetGuard allowing = new RelayTargetGuard(dns, PortRange.parseList("allowedPorts", "587"), List.of(), List.of("10.20.0.0/16"));

        assertThat(allowing.vet(relay("relay.internal.test", 587))).isEqualTo(InetAddress.getByName("10.20.30.40"));
        assertThatThrownBy(() -> allowing.vet(relay("other.internal.test", 587)))
            .isInstanceOf(RelayTargetGuard.RelayTargetRefusedException.class);
    }

    @Test
    void adminMayAllowAHostByName() throws Exception {
        dns.registerRecord("localhost", InetAddress.getByName("127.0.0.1"), "localhost");
        RelayTargetGuard allowing = new RelayTargetGuard(dns, PortRange.parseList("allowedPorts", "2525"), List.of("LocalHost"), List.of());

        assertThat(allowing.vet(relay("localhost", 2525))).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThatThrownBy(() -> allowing.vet(relay("localhost", 587))).hasMessageStartingWith("'port'");
    }

    @Test
    void portRangesAreAllowedAndBadListsNameTheField() {
        RelayTargetGuard ranges = new RelayTargetGuard(dns, PortRange.parseList("allowedPorts", "25, 1024-2048"), List.of(), List.of());
        ranges.checkPort(25);
        ranges.checkPort(1024);
        ranges.checkPort(2048);
        assertThatThrownBy(() -> ranges.checkPort(2049)).hasMessageStartingWith("'port'").hasMessageContaining("25, 1024-2048");
        for (String bad : new String[] {"", "0", "70000", "20-10", "smtp", "25,,x"}) {
            assertThatThrownBy(() -> PortRange.parseList("allowedRelayPorts", bad)).hasMessageStartingWith("'allowedRelayPorts'");
        }
    }

    @Test
    void badNetworkNamesTheField() {
        assertThatThrownBy(() -> new RelayTargetGuard(dns, RelayTargetGuard.DEFAULT_ALLOWED_PORTS, List.of(), List.of("10.0.0.0/33")))
            .hasMessageStartingWith("'allowedRelayNetworks'");
        assertThatThrownBy(() -> new RelayTargetGuard(dns, RelayTargetGuard.DEFAULT_ALLOWED_PORTS, List.of(), List.of("intranet")))
            .hasMessageStartingWith("'allowedRelayNetworks'");
    }

    private static RelayServer relay(String host, int port) {
        return new RelayServer(host, port, RelaySecurity.STARTTLS);
    }
}
