package io.github.outboundrelay.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.outboundrelay.core.InvalidFieldException;

class RelayConnectionRulesTest {
    @Test
    void defaultsArePublicRelaysOnTheUsualPortsAndCodesToTheMailbox() {
        RelayConnectionRules rules = RelayConnectionRules.defaults();

        assertThat(rules.allowedPorts()).hasToString("[25, 465, 587, 2525]");
        assertThat(rules.allowedHosts()).isEmpty();
        assertThat(rules.allowedNetworks()).isEmpty();
        assertThat(rules.trustStore()).isEmpty();
        assertThat(rules.connectionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(rules.commandTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(rules.dataTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(rules.verificationMail()).isEqualTo(RelayConnectionRules.VerificationMail.MAILBOX);
    }

    @Test
    void everyKeyIsRead() {
        BaseConfiguration properties = new BaseConfiguration();
        properties.addProperty("relay.allowedPorts", "587, 10000-10100");
        properties.addProperty("relay.allowedHosts", "smtp.internal.test, relay.corp.test");
        properties.addProperty("relay.allowedNetworks", "10.20.0.0/16,fd00:1::/64");
        properties.addProperty("relay.connectionTimeout", "10 seconds");
        properties.addProperty("relay.timeout", "1 minute");
        properties.addProperty("relay.dataTimeout", "2 minutes");
        properties.addProperty("relay.verificationMail", "relay");

        RelayConnectionRules rules = RelayConnectionRules.from(properties);

        assertThat(rules.allowedPorts()).hasToString("[587, 10000-10100]");
        assertThat(rules.allowedHosts()).containsExactly("smtp.internal.test", "relay.corp.test");
        assertThat(rules.allowedNetworks()).containsExactly("10.20.0.0/16", "fd00:1::/64");
        assertThat(rules.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(rules.commandTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(rules.dataTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(rules.verificationMail()).isEqualTo(RelayConnectionRules.VerificationMail.RELAY);
    }

    @Test
    void listsAreReadWholeWhereJamesSplitsValuesAtCommas() {
        BaseConfiguration properties = new BaseConfiguration();
        properties.setListDelimiterHandler(new org.apache.commons.configuration2.convert.DefaultListDelimiterHandler(','));
        properties.addProperty("relay.allowedPorts", "587, 10000-10100");

        assertThat(RelayConnectionRules.from(properties).allowedPorts()).hasToString("[587, 10000-10100]");
    }

    @ParameterizedTest
    @CsvSource({
        "relay.trustStore, /no/such/file.p12",
        "relay.connectionTimeout, 0 seconds",
        "relay.timeout, never",
        "relay.dataTimeout, -1 minutes",
        "relay.verificationMail, smtp",
        "relay.allowedPorts, smtp",
        "relay.allowedPorts, 0-25",
        "relay.allowedPorts, 600-500",
        "relay.allowedNetworks, 10.0.0.0/99"})
    void badValuesNameTheKey(String key, String value) {
        BaseConfiguration properties = new BaseConfiguration();
        properties.addProperty(key, value);

        assertThatThrownBy(() -> RelayConnectionRules.from(properties))
            .isInstanceOf(InvalidFieldException.class)
            .hasMessageContaining("'" + key + "'");
    }

    @Test
    void aWrongTrustStorePasswordIsNotRepeatedInTheError() {
        BaseConfiguration properties = new BaseConfiguration();
        properties.addProperty("relay.trustStore", "/no/such/file.p12");
        properties.addProperty("relay.trustStorePassword", "s3cr3t-pass");

        assertThatThrownBy(() -> RelayConnectionRules.from(properties))
            .hasMessageContaining("'relay.trustStorePassword'").hasMessageNotContaining("s3cr3t-pass");
    }
}
