package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FromHeaderTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "alice@partner.test",
        "<alice@partner.test>",
        "Alice <alice@partner.test>",
        "\"bob@ourdomain.test\" <alice@partner.test>",
        "=?UTF-8?Q?bob=40ourdomain=2Etest?= <alice@partner.test>",
        "Alice\r\n <alice@partner.test>"})
    void singleMailboxIsTheAddrSpecWhateverTheDisplayName(String value) {
        assertThat(FromHeader.singleAddrSpec(value)).hasValue("alice@partner.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "alice@partner.test, bob@ourdomain.test",
        "Friends: alice@partner.test;",
        "alice@partner.test\r\nBcc: x@y.test",
        "alice@partner.test\nSender: x@y.test",
        "alice@partner.test\u0000",
        "not an address",
        ""})
    void anythingAmbiguousYieldsNothing(String value) {
        assertThat(FromHeader.singleAddrSpec(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "alice@partner.test", "ALICE@Partner.TEST", "<alice@partner.test>", "Alice <alice@partner.test>",
        "Alice Martin 2 <alice.martin+news@partner-1.test>", "  alice@partner.test\t", "Alice<alice@partner.test>",
        "a_b-c@x.partner.test", "alice@localhost"})
    void thePlainShapeIsReadAsTheStrictParserReadsIt(String value) {
        assertThat(FromHeader.plainAddrSpec(value)).isNotNull();
        assertThat(FromHeader.singleAddrSpec(value)).hasValue(FromHeader.plainAddrSpec(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "alice@partner.test, bob@ourdomain.test", "\"bob@ourdomain.test\" <alice@partner.test>",
        "Alice (work) <alice@partner.test>", "alice@partner.test (work)", "Alice\r\n <alice@partner.test>",
        "=?UTF-8?Q?bob?= <alice@partner.test>", "alice@partner.test <bob@elsewhere.test>", "alice..b@partner.test",
        ".alice@partner.test", "alice@partner..test", "alice@partner.test.", "alice@@partner.test", "alice@b@partner.test",
        "alice@bücher.test", "Friends: alice@partner.test;", "alice@partner.test\u0000", "", " ", "<>", "J. Doe <a@b.test>",
        "alice@[127.0.0.1]", "\"a b\"@partner.test", "alice@partner.test\nBcc: x@y.test"})
    void anythingElseIsLeftToTheStrictParser(String value) {
        assertThat(FromHeader.plainAddrSpec(value)).isNull();
    }

    @Test
    void foldingWhitespaceIsNotAnInjection() {
        assertThat(FromHeader.singleAddrSpec("\"Alice\"\r\n\t<alice@partner.test>")).isPresent();
    }

    @Test
    void keyOfTheSingleMailboxIsTheRegistryKey() throws Exception {
        javax.mail.internet.MimeMessage message = org.apache.james.core.builder.MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("From", "Alice <ALICE@Partner.TEST>").setText("x").build();
        javax.mail.internet.MimeMessage twoFields = org.apache.james.core.builder.MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("From", "alice@partner.test").addHeader("From", "bob@partner.test").setText("x").build();
        javax.mail.internet.MimeMessage noDomain = org.apache.james.core.builder.MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("From", "alice").setText("x").build();

        assertThat(FromHeader.singleMailboxKey(message)).contains("alice@partner.test");
        assertThat(FromHeader.singleMailboxKey(twoFields)).isEmpty();
        assertThat(FromHeader.singleMailboxKey(noDomain)).isEmpty();
    }
}
