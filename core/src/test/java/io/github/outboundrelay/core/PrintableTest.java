package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void printableTextIsLeftAsItIs() {
        String text = "550 5.1.1 <bob@partner.test>: no such user (Émilie, 東京)";
        assertThat(Printable.of(text)).isSameAs(text);
        assertThat(Printable.of(null)).isEqualTo("null");
    }

    @Test
    void lineBreaksAndOtherControlCharactersAreEscaped() {
        assertThat(Printable.of("alice\r\nINFO forged line")).isEqualTo("alice\\r\\nINFO forged line");
        assertThat(Printable.of("a\tb\u0000c\u007fd\u0085e\u2028f\u2029g\u001b[31m"))
            .isEqualTo("a\\tb\\u0000c\\u007fd\\u0085e\\u2028f\\u2029g\\u001b[31m");
    }

    @Test
    void aMultiLineReplyIsJoinedOnOneLine() {
        assertThat(Printable.oneLine("550-5.7.1 first line\r\n550-5.7.1 second\n\n550 5.7.1 last\r\n"))
            .isEqualTo("550-5.7.1 first line 550-5.7.1 second 550 5.7.1 last");
        assertThat(Printable.oneLine("421 bye\u0085INFO forged\u2028line")).isEqualTo("421 bye\\u0085INFO forged\\u2028line");
    }
}
