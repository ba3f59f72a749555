package io.github.outboundrelay.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestBodyRedactionTest {
    @Test
    void secretMembersAreMaskedAtAnyDepthAndTheRestIsKept() {
        String redacted = RequestBodyRedaction.redact("{\"host\":\"smtp.partner.test\",\"password\":\"Relay-Pa55\","
            + "\"nested\":[{\"code\":\"K7QD-M2XP\"}],\"username\":\"alice\"}");

        assertThat(redacted).doesNotContain("Relay-Pa55").doesNotContain("K7QD-M2XP")
            .contains("\"host\":\"smtp.partner.test\"").contains("\"username\":\"alice\"").contains("\"password\":\"***\"");
    }

    @Test
    void aBodyThatIsNotJsonIsNotLoggedAtAll() {
        assertThat(RequestBodyRedaction.redact("password=Relay-Pa55")).doesNotContain("Relay-Pa55").contains("not JSON");
    }
}
