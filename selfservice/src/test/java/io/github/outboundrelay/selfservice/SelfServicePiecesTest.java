package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayAttempt;

class SelfServicePiecesTest {
    @Test
    void everythingAUserOrARelaySuppliedIsEscaped() {
        assertThat(Html.escape("<script>alert('x')</script> & \"q\"")).isEqualTo(
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
        assertThat(Html.escape(null)).isEmpty();
    }

    @Test
    void theLastOutcomeReadsAsWords() throws Exception {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        assertThat(OutcomeWords.of(Optional.empty(), now)).isEqualTo("nothing sent yet");
        assertThat(OutcomeWords.of(Optional.of(attempt(now.minusSeconds(180), RelayAttempt.Outcome.DELIVERED)), now))
            .isEqualTo("delivered 3 minutes ago");
        assertThat(OutcomeWords.of(Optional.of(attempt(now.minusSeconds(7200), RelayAttempt.Outcome.UNREACHABLE)), now))
            .isEqualTo("waiting: the relay cannot be reached (2 hours ago)");
        assertThat(OutcomeWords.of(Optional.of(attempt(now, RelayAttempt.Outcome.AUTH_REJECTED)), now))
            .isEqualTo("the relay refused the password: update it");
        assertThat(OutcomeWords.ago(Duration.ofSeconds(61))).isEqualTo("1 minute ago");
    }

    @Test
    void theConfigurationNamesTheKeyThatIsWrong() {
        BaseConfiguration conf = new BaseConfiguration();
        assertThat(SelfServiceConfiguration.from(conf).enabled()).isFalse();
        conf.addProperty("enabled", "true");
        assertThatThrownBy(() -> SelfServiceConfiguration.from(conf))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'https.keystore'");
        conf.addProperty("https.keystore", "file://conf/keystore");
        conf.addProperty("https.keystore.password", "p");
        conf.addProperty("port", "70000");
        assertThatThrownBy(() -> SelfServiceConfiguration.from(conf)).hasMessageStartingWith("'port'");
        conf.setProperty("port", "8443");
        conf.addProperty("session.idle.minutes", "soon");
        assertThatThrownBy(() -> SelfServiceConfiguration.from(conf)).hasMessageStartingWith("'session.idle.minutes'");
        conf.setProperty("session.idle.minutes", "10");
        assertThat(SelfServiceConfiguration.from(conf).sessionIdle()).isEqualTo(Duration.ofMinutes(10));
        assertThat(SelfServiceConfiguration.from(conf).toString()).doesNotContain("p]").doesNotContain("password");
    }

    private static RelayAttempt attempt(Instant at, RelayAttempt.Outcome outcome) throws Exception {
        return new RelayAttempt(at, Username.of("alice@ourdomain.test"), new MailAddress("alice@partner.test"),
            "smtp.partner.test", 587, "<id>", 1, outcome, Optional.empty());
    }
}
