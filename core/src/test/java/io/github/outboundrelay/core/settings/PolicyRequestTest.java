package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.james.core.Domain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;

class PolicyRequestTest {
    private static final DomainRelayPolicy CURRENT = new DomainRelayPolicy(Domain.of("ourdomain.test"), true, true, false, false);

    @Test
    void theNewerSwitchesLeftOutKeepTheirValuesAndAllowInsecureLeftOutIsOff() {
        DomainRelayPolicy policy = read("{\"allowed\": false}").toPolicy(CURRENT);

        assertThat(policy).isEqualTo(new DomainRelayPolicy(Domain.of("ourdomain.test"), false, false, false, false));
    }

    @Test
    void givenSwitchesAreSet() {
        DomainRelayPolicy policy = read("{\"allowed\": true, \"allowInsecure\": true, \"allowAlternateAddresses\": true, "
            + "\"checkDmarc\": true}").toPolicy(CURRENT);

        assertThat(policy).isEqualTo(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, true, true, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"allowInsecure", "allowAlternateAddresses", "checkDmarc"})
    void aSwitchSetToNullIsRefusedNotTakenForLeftOut(String field) {
        assertThatThrownBy(() -> read("{\"allowed\": true, \"" + field + "\": null}"))
            .isInstanceOf(InvalidFieldException.class).hasMessage("'" + field + "' must be true or false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"allowed\": null}", "{\"allowed\": \"true\"}", "{\"allowed\": 1}"})
    void allowedIsRequiredAndABoolean(String body) {
        assertThatThrownBy(() -> read(body)).hasMessage("'allowed' is required and must be true or false");
    }

    @Test
    void anUnknownFieldIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> read("{\"allowed\": true, \"x\": 1}"))
            .hasMessage("'x' is not a known field (expected allowed, allowInsecure, allowAlternateAddresses, checkDmarc)");
    }

    @Test
    void aFormGivesEverySwitchAnUncheckedBoxTurnsItOff() {
        DomainRelayPolicy policy = PolicyRequest.ofForm(true, false, false, false)
            .toPolicy(new DomainRelayPolicy(Domain.of("ourdomain.test"), false, true, true, true));

        assertThat(policy).isEqualTo(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, false, false, false));
    }

    private static PolicyRequest read(String body) {
        return JsonBodies.read(body, PolicyRequest.class);
    }
}
