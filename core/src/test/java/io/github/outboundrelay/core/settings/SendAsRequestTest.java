package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.core.InvalidFieldException;

class SendAsRequestTest {
    @Test
    void aBodyWithoutHostAsksForNoRelay() {
        SendAsRequest request = SendAsRequest.parse("{\"displayName\": \"Alice\"}");

        assertThat(request.relay()).isEmpty();
        assertThat(request.displayName()).contains("Alice");
        assertThat(SendAsRequest.parse("{}").relay()).isEmpty();
        assertThat(SendAsRequest.parse("{\"host\": null}").relay()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"port\": 587}", "{\"security\": \"STARTTLS\"}", "{\"username\": \"alice\"}",
        "{\"password\": \"secret\"}"})
    void aRelayFieldWithoutHostIsRefusedNamingHost(String body) {
        assertThatThrownBy(() -> SendAsRequest.parse(body))
            .isInstanceOf(InvalidFieldException.class)
            .hasMessageStartingWith("'host' is required with '")
            .hasMessageContaining("leave out every relay field to send through our servers");
    }

    @Test
    void aBodyWithHostAsksForThatRelayAndItsPasswordNeverShows() {
        SendAsRequest request = SendAsRequest.parse(
            "{\"host\": \"smtp.partner.test\", \"port\": 587, \"security\": \"starttls\", \"username\": \"alice\", \"password\": \"secret\"}");

        assertThat(request.relay()).hasValueSatisfying(relay -> {
            assertThat(relay.server().host()).isEqualTo("smtp.partner.test");
            assertThat(relay.username()).isEqualTo("alice");
            assertThat(relay.password()).contains("secret");
        });
        assertThat(request.toString()).doesNotContain("secret");
        assertThat(SendAsRequest.withoutRelay(java.util.Optional.empty(), java.util.Optional.empty()).toString())
            .contains("none (our servers)");
    }

    @Test
    void aHostThatIsNotTextIsRefusedNamingIt() {
        assertThatThrownBy(() -> SendAsRequest.parse("{\"host\": 5}"))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'host' must be a string");
    }
}
