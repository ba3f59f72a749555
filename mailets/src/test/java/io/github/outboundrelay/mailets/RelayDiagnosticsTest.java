package io.github.outboundrelay.mailets;

import static org.assertj.core.api.Assertions.assertThat;

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
}
