package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RelayServerTest {
    @ParameterizedTest
    @ValueSource(strings = {"smtp.partner.test", "SMTP.Partner.Test.", "localhost", "192.0.2.10", "2001:db8::1"})
    void acceptsHostNamesAndAddresses(String host) {
        assertThat(new RelayServer(host, 587, RelaySecurity.STARTTLS).host()).isEqualTo(host.toLowerCase().replaceAll("\\.$", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "smtp partner", "smtp.partner.test\r\nRCPT", "-bad.test", "a..b", "http://x"})
    void refusesBadHostsNamingTheField(String host) {
        assertThatThrownBy(() -> new RelayServer(host, 587, RelaySecurity.STARTTLS))
            .isInstanceOf(InvalidFieldException.class)
            .hasMessageStartingWith("'host'");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void refusesPortsOutOfRange(int port) {
        assertThatThrownBy(() -> new RelayServer("smtp.partner.test", port, RelaySecurity.STARTTLS))
            .hasMessageStartingWith("'port'");
    }

    @Test
    void securityModesAreParsedCaseInsensitivelyAndUnknownOnesNamed() {
        assertThat(RelaySecurity.parse("security", "starttls")).isEqualTo(RelaySecurity.STARTTLS);
        assertThatThrownBy(() -> RelaySecurity.parse("security", "SSL"))
            .hasMessageStartingWith("'security'").hasMessageContaining("SMTPS, STARTTLS, NONE");
    }
}
