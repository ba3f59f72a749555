package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.MapConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.outboundrelay.store.jdbc.OutboundRelayConfigurationException;

class QueueBrokerConfigurationTest {
    @Test
    void withoutABrokerUrlTheQueuesStayOnTheEmbeddedBroker() {
        QueueBrokerConfiguration configuration = QueueBrokerConfiguration.from(new MapConfiguration(Map.of("store", "jdbc")));

        assertThat(configuration.sharedBroker()).isEmpty();
        assertThat(configuration).isEqualTo(QueueBrokerConfiguration.embedded());
    }

    @Test
    void aBrokerUrlWithCredentialsAndTimeoutIsRead() {
        QueueBrokerConfiguration configuration = QueueBrokerConfiguration.from(new MapConfiguration(Map.of(
            "queue.broker.url", " tcp://mq1.internal:61616, tcp://mq2.internal:61616 ",
            "queue.broker.username", "james", "queue.broker.password", "change-me", "queue.broker.timeout", "2s")));

        assertThat(configuration.sharedBroker()).contains(List.of(URI.create("tcp://mq1.internal:61616"),
            URI.create("tcp://mq2.internal:61616")));
        assertThat(configuration.username()).contains("james");
        assertThat(configuration.password()).contains("change-me");
        assertThat(configuration.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "queue.broker.url=http://mq.internal:61616; queue.broker.url",
        "queue.broker.url=tcp://mq.internal; queue.broker.url",
        "queue.broker.url=failover:(tcp://mq.internal:61616); queue.broker.url",
        "queue.broker.url=tcp://mq.internal:61616?jms.useAsyncSend=true; queue.broker.url",
        "queue.broker.url=tcp://mq.internal:61616,; queue.broker.url",
        "queue.broker.url=tcp://mq.internal:61616|queue.broker.username=james; queue.broker.password",
        "queue.broker.username=james|queue.broker.password=x; queue.broker.username",
        "queue.broker.url=tcp://mq.internal:61616|queue.broker.timeout=soon; queue.broker.timeout",
        "queue.broker.url=tcp://mq.internal:61616|queue.broker.timeout=10 ms; queue.broker.timeout"})
    void aBadValueStopsTheStartNamingItsKey(String properties, String key) {
        Map<String, Object> values = new java.util.HashMap<>();
        for (String pair : properties.split("\\|")) {
            values.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }

        assertThatThrownBy(() -> QueueBrokerConfiguration.from(new MapConfiguration(values)))
            .isInstanceOf(OutboundRelayConfigurationException.class)
            .hasMessageStartingWith("outbound-relay.properties: '" + key + "'");
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutBeingRepeated() {
        assertThatThrownBy(() -> QueueBrokerConfiguration.from(new MapConfiguration(Map.of(
            "queue.broker.url", "tcp://james:s3cret@mq.internal:61616"))))
            .hasMessageContaining("'queue.broker.url'")
            .hasMessageNotContaining("s3cret");
    }
}
