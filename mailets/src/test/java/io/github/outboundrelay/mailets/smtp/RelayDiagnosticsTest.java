package io.github.outboundrelay.mailets.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;

import com.sun.mail.smtp.SMTPSendFailedException;

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

    /**
     * The relay writes its replies: a multi-line one (lines joined by LF in javax.mail), a bare CR or a Unicode line
     * separator in it must not make a line of its own in the log lines, DSNs and answers the diagnostic goes to.
     */
    @Test
    void whatARelaySaysIsDescribedOnOneLine() {
        SMTPSendFailedException refused = new SMTPSendFailedException("RCPT TO", 550, "550-5.1.1 no such user\n"
            + "550 5.1.1 try another\r2024-01-01 00:00:00 [INFO ] forged\u2028line", null, null, null, null);

        assertThat(RelayDiagnostics.describe(refused)).doesNotContain("\r", "\n", "\u2028")
            .startsWith("550-5.1.1 no such user 550 5.1.1 try another 2024-01-01 00:00:00 [INFO ] forged\\u2028line");
        assertThat(RelayDiagnostics.reply("250-relay.partner.test\n250-AUTH PLAIN\r\n250 STARTTLS\n"))
            .isEqualTo("250-relay.partner.test 250-AUTH PLAIN 250 STARTTLS");
    }
}
