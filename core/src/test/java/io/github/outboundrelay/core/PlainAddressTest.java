package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every surface does with an address typed in a path, a form or a JSON body (the model's rule: SendAsAddressTest). */
class PlainAddressTest {
    @Test
    void aPlainAddressIsParsedWithoutItsSurroundingSpaces() {
        assertThat(PlainAddress.parse("  Alice.Martin@partner.test ").asString()).isEqualTo("Alice.Martin@partner.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"alice;victim@elsewhere.test\"@partner.test",
        "\"alice\\\r\\\nRCPT TO:<victim@elsewhere.test>\"@partner.test",
        "alice\r\nRCPT TO:<victim@elsewhere.test>@partner.test",
        "alice@partner.test\r\nRCPT TO:<victim@elsewhere.test>",
        "alice smith@partner.test",
        "alice@[192.0.2.10]",
        "alice@[IPv6:2001:db8::1]",
        "alice@192.0.2.10",
        "alice@partner",
        "alice@partner.test.",
        "alice@-partner.test",
        ".alice@partner.test",
        "alice..martin@partner.test",
        "alicé@partner.test",
        "alice@bücher.example",
        "not-an-address",
        "@partner.test",
        "alice@"
    })
    void anythingElseIsRefusedNamingTheFieldOnOneLine(String text) {
        assertThatThrownBy(() -> PlainAddress.parse(text))
            .isInstanceOf(InvalidFieldException.class)
            .hasMessageStartingWith("'address' ")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r", "\n"));
    }

    @Test
    void aMissingAddressIsRequired() {
        assertThatThrownBy(() -> PlainAddress.parse(" ")).hasMessage("'address' is required");
        assertThatThrownBy(() -> PlainAddress.parse(null)).hasMessage("'address' is required");
    }

    @Test
    void theDocumentedWordingForSomethingThatIsNoAddress() {
        assertThatThrownBy(() -> PlainAddress.parse("not-an-address"))
            .hasMessage("'address' is not a valid mail address: not-an-address");
    }
}
