package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SendAsKeyTest {
    /**
     * The comparisons without building a key answer as comparing the keys does, for keys of ASCII addresses and of
     * addresses with a unicode part (an IDN domain, in its punycode key; a local part no ASCII spelling reaches).
     */
    @ParameterizedTest
    @CsvSource({
        "alice, partner.test, alice@partner.test, true",
        "Alice, Partner.TEST, ALICE@partner.test, true",
        "alice, partner.test, alice@partner.tes, false",
        "alice, partner.test, alic@epartner.test, false",
        "alice, partner.test, xalice@partner.test, false",
        "alice, partner.test, alice@partner.testx, false",
        "alice, b\u00fccher.test, alice@xn--bcher-kva.test, true",
        "alice, B\u00fccher.test, ALICE@XN--BCHER-KVA.TEST, true",
        "\u0131lice, partner.test, ilice@partner.test, false",
        "\u0131lice, partner.test, Ilice@partner.test, false",
        "\u212Aim, partner.test, KIM@partner.test, true"})
    void anAddressHasTheKeyItsKeyIs(String registeredLocal, String registeredDomain, String written, boolean same) throws Exception {
        String key = SendAsKey.of(registeredLocal, registeredDomain);
        MailAddress writtenAddress = new MailAddress(written);

        assertThat(key.equals(SendAsKey.of(writtenAddress))).isEqualTo(same);
        assertThat(SendAsKey.isKeyOf(key, writtenAddress)).isEqualTo(same);
        assertThat(SendAsKey.isKeyOf(key, written)).isEqualTo(same);
    }
}
