package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PkceTest {
    @Test
    void s256ChallengeMatchesTheExampleOfRfc7636() {
        Pkce pkce = Pkce.of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assertThat(pkce.challenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void createdVerifiersAreLongRandomAndNeverShown() {
        Pkce one = Pkce.create();
        Pkce two = Pkce.create();
        assertThat(one.verifier()).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(two.verifier());
        assertThat(one.toString()).doesNotContain(one.verifier());
        assertThatThrownBy(() -> Pkce.of("short")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateMatchesOnlyItself() {
        OAuthState state = OAuthState.create();
        assertThat(state.matches(state.value())).isTrue();
        assertThat(state.matches(state.value() + "x")).isFalse();
        assertThat(state.matches(null)).isFalse();
        assertThat(state.matches(OAuthState.create().value())).isFalse();
        assertThat(state.toString()).doesNotContain(state.value());
    }
}
