package io.github.outboundrelay.mailets.delivery;

import static io.github.outboundrelay.mailets.smtp.RelayPeers.message;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.testConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.mailets.remote.delivery.Bouncer;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;
import io.github.outboundrelay.mailets.smtp.RelaySmtpClientTest;

/** The mails users get are plain text: what a user or a relay wrote shows as written, and never starts a header. */
class RelayNoticesTest {
    static final String HOSTILE = "<script>alert('x')</script> & \"q\"";
    static final Username OWNER = Username.of("alice@ourdomain.test");
    static final Instant QUEUED = Instant.parse("2026-11-28T10:00:00Z");

    final FakeMailContext context = FakeMailContext.builder().postmaster(address("postmaster@ourdomain.test")).build();
    final UsersRepository users = mock(UsersRepository.class);
    final List<MailImpl> mails = new ArrayList<>();

    @AfterEach
    void disposeMails() {
        mails.forEach(LifecycleUtil::dispose);
    }

    @Test
    void theCredentialsNoticeShowsTheSubjectAndTheRelaysReplyVerbatim() throws Exception {
        SendAsAddress alice = SendAsAddress.withPassword(address("alice@partner.test"), OWNER,
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS), "alice", "partner-secret", RelaySmtpClientTest.SEALER);

        notices(testConfig().build()).credentialsRejectedOnce(mail(alice, HOSTILE), alice, "535 5.7.8 " + HOSTILE);

        FakeMailContext.SentMail notice = context.getSentMails().get(0);
        assertThat(notice.getMsg().getContent().toString())
            .startsWith("The relay settings for alice@partner.test at smtp.partner.test are misconfigured or out of date")
            .contains("\n535 5.7.8 " + HOSTILE + "\n")
            .contains("Your message \"" + HOSTILE + "\" has not been sent yet.")
            .doesNotContain("&lt;").doesNotContain("&quot;").doesNotContain("&#39;");
        assertThat(notice.getMsg().getSubject()).isEqualTo("Your mail from alice@partner.test is waiting: relay settings need attention");
    }

    @Test
    void theReconnectNoticeNamesTheAccountAndItsProvider() throws Exception {
        SendAsAddress alice = new SendAsAddress(address("alice@partner.test"), OWNER,
            new RelayServer("smtp.office365.com", 587, RelaySecurity.STARTTLS), "alice@partner.test",
            new RelayCredential.OAuth("m365", RelaySmtpClientTest.SEALER.seal("refresh-token", "test")));

        notices(testConfig().build()).credentialsRejectedOnce(mail(alice, HOSTILE), alice, "invalid_grant");

        assertThat(context.getSentMails().get(0).getMsg().getContent().toString())
            .startsWith("The account alice@partner.test behind alice@partner.test must be reconnected: its m365 "
                + "authorization was refused")
            .contains("Your message \"" + HOSTILE + "\" has not been sent yet.");
    }

    @Test
    void theDelayWarningIsOneLineWithTheCauseVerbatim() throws Exception {
        SendAsAddress alice = SendAsAddress.withPassword(address("alice@partner.test"), OWNER,
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS), "alice", "partner-secret", RelaySmtpClientTest.SEALER);

        notices(testConfig().setProperty("delayWarningAfter", "4 hours").build()).delayWarningOnceIfDue(mail(alice, "hello"),
            List.of(address("carol@elsewhere.test")), alice, QUEUED.plus(Duration.ofHours(5)), "Connect failed: <b>\"q\" 'x' &\r\nnext");

        assertThat(context.getSentMails().get(0).getAttributes().get(Bouncer.DELIVERY_ERROR).getValue().value())
            .isEqualTo("Not delivered yet after 300 minute(s); still trying until " + QUEUED.plus(Duration.ofDays(5))
                + ": Connect failed: <b>\"q\" 'x' & next");
    }

    private RelayNotices notices(org.apache.mailet.MailetConfig config) throws Exception {
        when(users.getMailAddressFor(OWNER)).thenReturn(address("alice@ourdomain.test"));
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(config);
        return new RelayNotices(configuration, context, new RelayBouncer(context, users, configuration.bounceProcessor()));
    }

    private MailImpl mail(SendAsAddress sendAs, String subject) throws Exception {
        MailImpl mail = MailImpl.builder()
            .name("mail-" + System.nanoTime())
            .sender(sendAs.address())
            .addRecipient(address("carol@elsewhere.test"))
            .mimeMessage(message(sendAs.address().asString(), subject))
            .build();
        RelayMailAttributes.stamp(mail, sendAs, QUEUED);
        mails.add(mail);
        return mail;
    }

    private static MailAddress address(String address) {
        try {
            return new MailAddress(address);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
