package io.github.outboundrelay.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.Domain;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelaySecurity;

/**
 * What every {@link DomainRelayPolicies} must do, James style: an implementation's test implements this interface and
 * gives fresh, empty policies per test. Published in core's test-jar for the other stores.
 */
public interface DomainRelayPoliciesContract {
    Domain OURDOMAIN = Domain.of("ourdomain.test");
    Domain OTHER = Domain.of("other.test");

    /** New, empty policies for each test. */
    DomainRelayPolicies policies();

    @Test
    default void relayIsOffByDefault() {
        assertThat(policies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, false, false));
        assertThat(policies().isRelayAllowed(OURDOMAIN)).isFalse();
    }

    @Test
    default void alternateAddressesAreOnByDefault() {
        assertThat(policies().get(OURDOMAIN).alternateAddressesAllowed()).isTrue();
    }

    @Test
    default void alternateAddressesTurnedOffAreKeptBesideTheRelaySwitches() {
        policies().set(new DomainRelayPolicy(OURDOMAIN, true, true, false));

        assertThat(policies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, true, true, false));
        policies().set(new DomainRelayPolicy(OURDOMAIN, false, false, true));
        assertThat(policies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, false, false, true));
    }

    @Test
    default void theDmarcCheckIsOnByDefault() {
        assertThat(policies().get(OURDOMAIN).dmarcCheck()).isTrue();
    }

    @Test
    default void theDmarcCheckTurnedOffIsKeptBesideTheOtherSwitches() {
        policies().set(new DomainRelayPolicy(OURDOMAIN, true, false, true, false));

        assertThat(policies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, true, false, true, false));
        policies().set(new DomainRelayPolicy(OURDOMAIN, true, false, true, true));
        assertThat(policies().get(OURDOMAIN).dmarcCheck()).isTrue();
    }

    @Test
    default void allowingRelayIsKept() {
        policies().set(new DomainRelayPolicy(OURDOMAIN, true));

        assertThat(policies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, true, false));
        assertThat(policies().isRelayAllowed(OURDOMAIN)).isTrue();
    }

    @Test
    default void aLaterSetReplacesTheEarlierOne() {
        policies().set(new DomainRelayPolicy(OURDOMAIN, true, true));
        policies().set(new DomainRelayPolicy(OURDOMAIN, false, false));

        assertThat(policies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, false, false));
    }

    @Test
    default void allowInsecureIsKept() {
        policies().set(new DomainRelayPolicy(OURDOMAIN, true, true));

        assertThat(policies().get(OURDOMAIN).insecureRelayAllowed()).isTrue();
        assertThat(policies().get(OURDOMAIN).admits(RelaySecurity.NONE)).isTrue();
    }

    @Test
    default void allowInsecureIsKeptEvenWhileRelayIsOff() {
        policies().set(new DomainRelayPolicy(OURDOMAIN, false, true));

        assertThat(policies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, false, true));
    }

    @Test
    default void domainsAreIndependent() {
        policies().set(new DomainRelayPolicy(OURDOMAIN, true, true));

        assertThat(policies().get(OTHER)).isEqualTo(DomainRelayPolicy.defaultFor(OTHER));
    }

    @Test
    default void domainNamesIgnoreCase() {
        policies().set(new DomainRelayPolicy(Domain.of("OurDomain.TEST"), true));

        assertThat(policies().isRelayAllowed(Domain.of("ourdomain.test"))).isTrue();
        assertThat(policies().get(Domain.of("OURDOMAIN.test")).domain()).isEqualTo(OURDOMAIN);
    }
}
