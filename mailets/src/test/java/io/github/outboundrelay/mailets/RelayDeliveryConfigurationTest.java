package io.github.outboundrelay.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import javax.mail.MessagingException;

import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RelayDeliveryConfigurationTest {
    @Test
    void defaultsAreCloseToPostfix() throws Exception {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(FakeMailetConfig.builder().build());

        assertThat(configuration.queueName()).isEqualTo("outbound-relay");
        assertThat(configuration.initialRetryDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(configuration.maxRetryDelay()).isEqualTo(Duration.ofHours(1));
        assertThat(configuration.maxQueueLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(configuration.authFailure()).isEqualTo(RelayDeliveryConfiguration.AuthFailureHandling.DEFER);
        assertThat(configuration.bounceProcessor()).isEqualTo("bounces");
    }

    @Test
    void retryDelayDoublesUpToTheCap() throws Exception {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(FakeMailetConfig.builder().build());

        assertThat(configuration.retryDelayAfter(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(configuration.retryDelayAfter(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(configuration.retryDelayAfter(4)).isEqualTo(Duration.ofMinutes(40));
        assertThat(configuration.retryDelayAfter(5)).isEqualTo(Duration.ofHours(1));
        assertThat(configuration.retryDelayAfter(50)).isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest
    @CsvSource({
        "deliveryThreads, 0",
        "deliveryThreads, many",
        "retryDelay, soon",
        "maxQueueLifetime, 0 days",
        "authFailure, ignore",
        "outgoingQueue, ' '",
        "trustStore, /no/such/file.p12"})
    void badValuesNameTheParameter(String parameter, String value) {
        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder().setProperty(parameter, value).build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'" + parameter + "'");
    }

    @Test
    void maxRetryDelayShorterThanRetryDelayIsRefused() {
        assertThatThrownBy(() -> RelayDeliveryConfiguration.from(FakeMailetConfig.builder()
            .setProperty("retryDelay", "1 hour").setProperty("maxRetryDelay", "5 minutes").build()))
            .hasMessageContaining("'maxRetryDelay'");
    }
}
