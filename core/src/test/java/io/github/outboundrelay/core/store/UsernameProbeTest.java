package io.github.outboundrelay.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsernameProbeTest {
    @ParameterizedTest
    @ValueSource(strings = {"alice@ourdomain.test", "alice", "a.b+c_d-e@x-1.partner.test", "bob@localhost",
        " alice@ourdomain.test", "x@1.2.3.4", "o'brien@ourdomain.test"})
    void hashesAndEqualsAsTheUsernameJamesMakesOfTheName(String name) {
        assertThat(UsernameProbe.HASH_AS_USERNAME).isTrue();
        assertThat(UsernameProbe.isCanonical(name)).isTrue();
        UsernameProbe probe = new UsernameProbe(name);

        assertThat(probe.hashCode()).isEqualTo(Username.of(name).hashCode());
        assertThat(probe.equals(Username.of(name))).isTrue();
    }

    @Test
    void equalsNoOtherUsername() {
        UsernameProbe alice = new UsernameProbe("alice@ourdomain.test");
        for (String other : new String[] {"alice", "alice@ourdomain.tes", "alic@ourdomain.test", "alicex@ourdomain.test",
            "bob@ourdomain.test", "alice@ourdomain.test.evil", "alice@xourdomain.test"}) {
            assertThat(alice.equals(Username.of(other))).as(other).isFalse();
        }
        assertThat(new UsernameProbe("alice").equals(Username.of("alice@ourdomain.test"))).isFalse();
        assertThat(alice.equals("alice@ourdomain.test")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Alice@ourdomain.test", "alice@OurDomain.test", "alice@[ourdomain.test]", "alice@[127.0.0.1]",
        "al\u0130ce@ourdomain.test", "\u212Aim@ourdomain.test", "alice@b\u00fccher.test", "", "   ", "\t"})
    void aNameUsernameWouldChangeOrRefuseAsBlankIsNotProbedAsItIs(String name) {
        assertThat(UsernameProbe.isCanonical(name)).isFalse();
    }

    @Test
    void aNameLongerThanUsernameTakesIsNotProbedAsItIs() {
        String longest = "a".repeat(Username.MAXIMUM_MAIL_ADDRESS_LENGTH - "@ourdomain.test".length()) + "@ourdomain.test";

        assertThat(UsernameProbe.isCanonical(longest)).isTrue();
        assertThat(UsernameProbe.isCanonical("a" + longest)).isFalse();
    }
}
