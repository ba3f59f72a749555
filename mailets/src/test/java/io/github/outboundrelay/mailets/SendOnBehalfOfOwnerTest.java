package io.github.outboundrelay.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.server.core.MailImpl;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.AuthenticatedSender;

class SendOnBehalfOfOwnerTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");

    SendOnBehalfOfOwner mailet;

    @BeforeEach
    void setUp() throws Exception {
        UsersRepository users = mock(UsersRepository.class);
        when(users.getMailAddressFor(ALICE)).thenReturn(new MailAddress("alice@ourdomain.test"));
        mailet = new SendOnBehalfOfOwner(users);
        mailet.init(FakeMailetConfig.builder().mailetName("SendOnBehalfOfOwner").build());
    }

    @Test
    void theOwnersAddressBecomesTheEnvelopeSenderAndTheSenderHeaderFromAndBodyUnchanged() throws Exception {
        Mail mail = mail(Mail.SMTP_AUTH_USER, "Alice <alice@partner.test>");
        mail.getMessage().setHeader("Sender", "someone@partner.test");
        String messageId = mail.getMessage().getMessageID();

        mailet.service(mail);

        assertThat(mail.getMaybeSender()).isEqualTo(MaybeSender.of(new MailAddress("alice@ourdomain.test")));
        assertThat(mail.getMessage().getHeader("Sender")).containsExactly("alice@ourdomain.test");
        assertThat(mail.getMessage().getHeader("From")).containsExactly("Alice <alice@partner.test>");
        assertThat(mail.getMessage().getContent()).isEqualTo("the body");
        assertThat(mail.getMessage().getMessageID()).isEqualTo(messageId);
    }

    @Test
    void aJmapSubmissionIsSentOnBehalfOfItsUserToo() throws Exception {
        Mail mail = mail(AuthenticatedSender.JMAP_USERNAME, "alice@partner.test");

        mailet.service(mail);

        assertThat(mail.getMaybeSender().asString()).isEqualTo("alice@ourdomain.test");
        assertThat(mail.getMessage().getHeader("Sender")).containsExactly("alice@ourdomain.test");
    }

    @Test
    void aMailWithoutAuthenticatedSenderIsLeftUntouched() throws Exception {
        Mail mail = MailImpl.builder().name("m").sender("alice@partner.test").addRecipient("carol@elsewhere.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addFrom("alice@partner.test").setText("the body")).build();

        mailet.service(mail);

        assertThat(mail.getMaybeSender().asString()).isEqualTo("alice@partner.test");
        assertThat(mail.getMessage().getHeader("Sender")).isNull();
    }

    @Test
    void itTakesNoParameter() {
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("SendOnBehalfOfOwner")
                .setProperty("sender", "x@ourdomain.test").build()))
            .isInstanceOf(MessagingException.class).hasMessageContaining("'sender'");
    }

    @Test
    void aMailItCannotSetTheEnvelopeSenderOfGoesToTheErrorProcessorRatherThanLeaveAsTheAlternateAddress() throws Exception {
        Mail mail = FakeMail.builder().name("m").sender("alice@partner.test").recipient("carol@elsewhere.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addFrom("alice@partner.test").setText("the body"))
            .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(ALICE.asString()))).build();

        assertThatThrownBy(() -> mailet.service(mail)).isInstanceOf(MessagingException.class)
            .hasMessageContaining("Cannot set the envelope sender");
    }

    private static Mail mail(org.apache.mailet.AttributeName authenticated, String from) throws Exception {
        MailImpl mail = MailImpl.builder().name("m").sender("alice@partner.test").addRecipient("carol@elsewhere.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addHeader("From", from).addHeader("Message-ID", "<m1@ourdomain.test>")
                .setSubject("hi").setText("the body"))
            .build();
        mail.setAttribute(new Attribute(authenticated, AttributeValue.of(ALICE.asString())));
        return mail;
    }
}
