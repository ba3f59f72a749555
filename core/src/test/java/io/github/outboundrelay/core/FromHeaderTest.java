package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.core.store.OwnedSendAs;
import io.github.outboundrelay.core.store.SendAsRegistryContract;

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

    /** Fields of a message as it arrives (parsed from its bytes, as James holds it), and the key of its From. */
    static Stream<Arguments> fromFields() {
        return Stream.of(
            Arguments.of("From: alice@partner.test\r\n", "alice@partner.test"),
            Arguments.of("From: Alice\r\n <ALICE@partner.test>\r\n", "alice@partner.test"),
            Arguments.of("From:\r\n\talice@partner.test\r\n", "alice@partner.test"),
            Arguments.of("From:alice@partner.test\r\n", "alice@partner.test"),
            Arguments.of("From : alice@partner.test \r\n", "alice@partner.test"),
            Arguments.of("FROM: Alice <alice@partner.test>\r\n", "alice@partner.test"),
            Arguments.of("from: \"Alice\"\r\n <alice@partner.test>\r\n", "alice@partner.test"),
            Arguments.of("From: =?UTF-8?Q?bob=40ourdomain=2Etest?= <alice@partner.test>\r\n", "alice@partner.test"),
            Arguments.of("From: =?UTF-8?Q?alice=40partner=2Etest?=\r\n", null),
            Arguments.of("From: Friends: alice@partner.test;\r\n", null),
            Arguments.of("From: Friends:\r\n alice@partner.test;\r\n", null),
            Arguments.of("From: alice@partner.test, bob@partner.test\r\n", null),
            Arguments.of("From: alice@partner.test\r\nFrom: bob@partner.test\r\n", null),
            Arguments.of("From: alice@partner.test\r\nfrom: alice@partner.test\r\n", null),
            Arguments.of("Sender: alice@partner.test\r\nResent-From: alice@partner.test\r\n", null),
            Arguments.of("From: <>\r\n", null));
    }

    @ParameterizedTest
    @MethodSource("fromFields")
    void theFromIsTheFieldJavaMailsHeaderArrayGivesAndIsReadAsStrictlyAsBefore(String fields, String key) throws Exception {
        MimeMessage message = parsed("Subject: x\r\n" + fields + "To: carol@elsewhere.test\r\n\r\nbody\r\n");
        String[] values = message.getHeader("From");
        String line = FromHeader.singleFromLine(message);

        if (values == null || values.length != 1) {
            assertThat(line).isNull();
        } else {
            assertThat(line.substring(FromHeader.valueStart(line))).isEqualTo(values[0]);
        }
        assertThat(FromHeader.singleMailboxKey(message)).isEqualTo(Optional.ofNullable(key));
    }

    @Test
    void aFromRemovedOrReplacedAfterParsingIsReadAsItIsNow() throws Exception {
        MimeMessage message = parsed("From: bob@partner.test\r\nSubject: x\r\n\r\nbody\r\n");
        message.removeHeader("From");
        assertThat(FromHeader.singleFromLine(message)).isNull();

        message.setHeader("From", "Alice <alice@partner.test>");
        assertThat(FromHeader.singleMailboxKey(message)).contains("alice@partner.test");
        MimeMessage built = MimeMessageBuilder.mimeMessageBuilder()
            .setSubject("x").setText("x").build();
        assertThat(FromHeader.singleFromLine(built)).isNull();
    }

    @Test
    void aFromFieldBesideAnotherIsNoneOfTheCandidatesWhicheverComesFirst() throws Exception {
        OwnedSendAs alice = OwnedSendAs.chainOf(List.of(SendAsRegistryContract.sendAs("alice@partner.test",
            SendAsRegistryContract.ALICE)));
        for (String fields : new String[] {"From: alice@partner.test\r\nFrom: bob@partner.test\r\n",
            "From: bob@partner.test\r\nFrom: alice@partner.test\r\n", "From: alice@partner.test\r\nfrom: alice@partner.test\r\n",
            "From: Alice\r\n <alice@partner.test>\r\nTo: carol@elsewhere.test\r\nFROM: \"Alice\" <alice@partner.test>\r\n",
            "From: Friends: alice@partner.test;\r\n", "From: =?UTF-8?Q?alice=40partner=2Etest?=\r\n", "Sender: alice@partner.test\r\n"}) {
            assertThat(FromHeader.singleMailboxAmong(parsed(fields + "Subject: x\r\n\r\nbody\r\n"), alice)).as(fields).isEmpty();
        }
        for (String fields : new String[] {"From: Alice\r\n <ALICE@partner.test>\r\n", "From: \"Alice\" <alice@Partner.test>\r\n",
            "FROM: =?UTF-8?Q?bob=40ourdomain=2Etest?= <alice@partner.test>\r\n", "From:alice@partner.test\r\n"}) {
            assertThat(FromHeader.singleMailboxAmong(parsed(fields + "Subject: x\r\n\r\nbody\r\n"), alice)).as(fields).containsSame(alice);
        }
    }

    private static MimeMessage parsed(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void keyOfTheSingleMailboxIsTheRegistryKey() throws Exception {
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("From", "Alice <ALICE@Partner.TEST>").setText("x").build();
        MimeMessage twoFields = MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("From", "alice@partner.test").addHeader("From", "bob@partner.test").setText("x").build();
        MimeMessage noDomain = MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("From", "alice").setText("x").build();

        assertThat(FromHeader.singleMailboxKey(message)).contains("alice@partner.test");
        assertThat(FromHeader.singleMailboxKey(twoFields)).isEmpty();
        assertThat(FromHeader.singleMailboxKey(noDomain)).isEmpty();
    }
}
