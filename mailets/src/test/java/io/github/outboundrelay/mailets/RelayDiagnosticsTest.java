package io.github.outboundrelay.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayDiagnosticsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Invalid Addresses (SMTPAddressFailedException: 550 5.1.1 nobody: no such user here)"
            + "|550 5.1.1 nobody: no such user here (Invalid Addresses)",
        "Relay localhost rejected the credentials of a@partner.test: 535 5.7.8 Authentication credentials invalid"
            + "|535 5.7.8 Authentication credentials invalid (Relay localhost rejected the credentials of a@partner.test)",
        "550 5.7.1 refused|550 5.7.1 refused",
        "Gave up after 3 attempts over PT3S: Relay localhost does not resolve|Gave up after 3 attempts over PT3S: Relay localhost does not resolve"})
    void theRelaysReplyComesFirstSoThatTheDsnStatusStartsWithIt(String diagnostic, String expected) {
        assertThat(RelayDiagnostics.replyFirst(diagnostic)).isEqualTo(expected);
    }

    /**
     * The relay chooses the text of its replies: a long run of whitespace before the reply code must cost time in
     * proportion to its length, not its square (a correctness bound, not a benchmark: linear code takes milliseconds).
     */
    @Test
    void aLongRunOfRelaySuppliedWhitespaceIsHandledInLinearTime() {
        String whitespace = " \t".repeat(50_000);
        String diagnostic = "Relay x could not be used: 421" + whitespace + "x (SMTPAddressFailedException:" + whitespace
            + "550 5.1.1 nobody" + whitespace + "here";

        String reordered = assertTimeout(Duration.ofSeconds(2), () -> RelayDiagnostics.replyFirst(diagnostic));

        assertThat(reordered).startsWith("550 5.1.1 nobody").endsWith("(Relay x could not be used: 421" + whitespace + "x)");
        assertThat(assertTimeout(Duration.ofSeconds(2), () -> RelayDiagnostics.replyCode(diagnostic))).contains(421);
    }
}
