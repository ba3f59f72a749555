package io.github.outboundrelay.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import javax.mail.MessagingException;

import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.mailets.smtp.RelayPoolSettings;

class RelayDeliveryConfigurationTest {
    @Test
    void defaultsAreCloseToPostfix() throws Exception {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(FakeMailetConfig.builder().build());

        assertThat(configuration.queueName()).isEqualTo("outbound-relay");
        assertThat(configuration.initialRetryDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(configuration.maxRetryDelay()).isEqualTo(Duration.ofHours(1));
        assertThat(configuration.maxQueueLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(configuration.earlyMailHold()).isEqualTo(Duration.ofSeconds(1));
        assertThat(configuration.authFailure()).isEqualTo(RelayDeliveryConfiguration.AuthFailureHandling.DEFER);
        assertThat(configuration.bounceProcessor()).isEqualTo("bounces");
        assertThat(configuration.pool()).isEqualTo(new RelayPoolSettings(Duration.ofSeconds(30), 100, 10, 100, 10));
        assertThat(configuration.attemptAtOnce()).contains(Duration.ofSeconds(30));
        assertThat(configuration.delayWarningAfter()).isEmpty();
        assertThat(configuration.delayWarningProcessor()).isEqualTo("relay-delayed");
        assertThat(configuration.onFailure()).isEqualTo(RelayDeliveryConfiguration.OnFailure.BOUNCE);
        assertThat(configuration.gatewayProcessor()).isEqualTo("relay");
        assertThat(configuration.ourServersProcessor()).isEqualTo("transport");
    }

    /** The connection rules moved to outbound-relay.properties: one left in mailetcontainer.xml would be ignored. */
    @ParameterizedTest
    @CsvSource({
        "connectionTimeout, relay.connectionTimeout",
        "timeout, relay.timeout",
        "dataTimeout, relay.dataTimeout",
        "trustStore, relay.trustStore",
        "trustStorePassword, relay.trustStorePassword",
        "trustStoreType, relay.trustStoreType",
        "allowedRelayPorts, relay.allowedPorts",
        "allowedRelayHosts, relay.allowedHosts",
        "allowedRelayNetworks, relay.allowedNetworks",
        "verificationMail, relay.verificationMail"})
    void aConnectionRuleLeftOnTheMailetStopsStartUpNamingItsNewHome(String parameter, String key) {
        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder().setProperty(parameter, "x").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'" + parameter + "' is no longer a parameter of OutboundRelayDelivery")
            .hasMessageContaining("'" + key + "' in outbound-relay.properties");
    }

    @Test
    void theAttemptTimeoutMustOutlastTheConnectionRulesTimeouts() throws Exception {
        RelayConnectionRules slow = RelayConnectionRules.defaults().withTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(20));

        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder().build(), slow))
            .hasMessageContaining("'attemptTimeout'").hasMessageContaining("'relay.timeout'");
        assertThat(RelayDeliveryConfiguration.from(FakeMailetConfig.builder().setProperty("attemptTimeout", "30 minutes").build(),
            slow).attemptTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void theOldFixedIdleBoundPerRelayStillBoundsTheConnectionsOpenAtOnceAsBefore() throws Exception {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(FakeMailetConfig.builder()
            .setProperty("poolMaxIdleSessionsPerRelay", "40").setProperty("maxConnectionsPerRelay", "10").build());

        assertThat(configuration.pool().maxOpenConnectionsPerRelay()).isEqualTo(50);
        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder()
            .setProperty("poolMaxIdleSessionsPerRelay", "40").setProperty("maxOpenConnectionsPerRelay", "60").build()))
            .hasMessageContaining("'poolMaxIdleSessionsPerRelay'").hasMessageContaining("'maxOpenConnectionsPerRelay'");
    }

    @Test
    void everyNewParameterIsRead() throws Exception {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(FakeMailetConfig.builder()
            .setProperty("poolIdleTimeout", "10 seconds")
            .setProperty("poolMaxMessagesPerSession", "1")
            .setProperty("poolMaxIdleSessionsPerCredential", "3")
            .setProperty("maxOpenConnectionsPerRelay", "12")
            .setProperty("maxConnectionsPerRelay", "5")
            .setProperty("delayWarningAfter", "4 hours")
            .setProperty("delayWarningProcessor", "warn")
            .setProperty("onFailure", "Gateway")
            .setProperty("gatewayProcessor", "gw")
            .build());

        assertThat(configuration.pool()).isEqualTo(new RelayPoolSettings(Duration.ofSeconds(10), 1, 3, 12, 5));
        assertThat(RelayDeliveryConfiguration.from(FakeMailetConfig.builder().setProperty("attemptAtOnce", "off").build())
            .attemptAtOnce()).isEmpty();
        assertThat(configuration.delayWarningAfter()).contains(Duration.ofHours(4));
        assertThat(configuration.delayWarningProcessor()).isEqualTo("warn");
        assertThat(configuration.onFailure()).isEqualTo(RelayDeliveryConfiguration.OnFailure.GATEWAY);
        assertThat(configuration.gatewayProcessor()).isEqualTo("gw");
    }

    @Test
    void delayWarningAfterCanBeSwitchedOffExplicitly() throws Exception {
        assertThat(RelayDeliveryConfiguration.from(FakeMailetConfig.builder().setProperty("delayWarningAfter", "off").build())
            .delayWarningAfter()).isEmpty();
    }

    @Test
    void aDelayWarningThatCouldNeverBeSentIsRefused() {
        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder()
            .setProperty("delayWarningAfter", "5 days").build()))
            .hasMessageContaining("'delayWarningAfter'");
    }

    @ParameterizedTest
    @CsvSource({
        "deliveryThreads, 0",
        "deliveryThreads, many",
        "retryDelay, soon",
        "maxQueueLifetime, 0 days",
        "earlyMailHold, 0 seconds",
        "earlyMailHold, 2 minutes",
        "earlyMailHold, soon",
        "authFailure, ignore",
        "outgoingQueue, ' '",
        "bounceProcessor, ' '",
        "maxRetryDelay, later",
        "poolIdleTimeout, 0 seconds",
        "poolIdleTimeout, soon",
        "poolMaxMessagesPerSession, 0",
        "poolMaxMessagesPerSession, lots",
        "poolMaxIdleSessionsPerCredential, -2",
        "poolMaxIdleSessionsPerRelay, 0",
        "poolMaxIdleSessionsPerRelay, -1",
        "poolMaxIdleSessionsPerRelay, forty",
        "maxConnectionsPerRelay, 0",
        "maxOpenConnectionsPerRelay, 0",
        "maxOpenConnectionsPerRelay, 9",
        "maxConnectionsPerRelay, two",
        "maxConnectionsPerRelay, 20",
        "maxConnectionsPerRelay, 64",
        "attemptTimeout, soon",
        "attemptAtOnce, 20 minutes",
        "attemptAtOnce, soon",
        "attemptTimeout, 1 minute",
        "attemptTimeout, 5 minutes",
        "delayWarningAfter, tomorrow",
        "delayWarningAfter, 0 hours",
        "delayWarningProcessor, ' '",
        "onFailure, drop",
        "gatewayProcessor, ' '",
        "ourServersProcessor, ' '"})
    void badValuesNameTheParameter(String parameter, String value) {
        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder().setProperty(parameter, value).build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'" + parameter + "'");
    }

    @Test
    void oneRelayCanNeverHoldEveryDeliveryThread() throws Exception {
        RelayDeliveryConfiguration defaults = RelayDeliveryConfiguration.from(FakeMailetConfig.builder().build());
        assertThat(defaults.pool().maxConnectionsPerRelay()).isLessThan(defaults.deliveryThreads());
        assertThat(defaults.attemptTimeout()).isGreaterThan(RelayConnectionRules.defaults().commandTimeout());

        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder()
            .setProperty("deliveryThreads", "10").setProperty("maxConnectionsPerRelay", "10").build()))
            .hasMessageContaining("'maxConnectionsPerRelay'").hasMessageContaining("'deliveryThreads'");
        assertThat(RelayDeliveryConfiguration.from(FakeMailetConfig.builder()
            .setProperty("deliveryThreads", "10").setProperty("maxConnectionsPerRelay", "9").build()).pool().maxConnectionsPerRelay())
            .isEqualTo(9);
    }

    @Test
    void maxRetryDelayShorterThanRetryDelayIsRefused() {
        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder()
            .setProperty("retryDelay", "1 hour").setProperty("maxRetryDelay", "5 minutes").build()))
            .hasMessageContaining("'maxRetryDelay'");
    }
}
