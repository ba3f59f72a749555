package io.github.outboundrelay.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.server.core.MailImpl;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.RelayDecisionAttributes;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.dmarc.DmarcPolicies;
import io.github.outboundrelay.core.dmarc.DmarcPolicy;
import io.github.outboundrelay.core.settings.DmarcCheck;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.github.outboundrelay.mailets.delivery.DmarcHardeningNotice;

/** The DMARC hardening notice of {@link SendOnBehalfOfOwner}, with the domain's policy given by the test. */
class SendOnBehalfOfOwnerDmarcTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");

    final AtomicReference<DmarcPolicy> partnerPolicy = new AtomicReference<>(DmarcPolicy.NONE);
    final FakeMailContext context = FakeMailContext.builder().postmaster(address("postmaster@ourdomain.test")).build();
    SendOnBehalfOfOwner mailet;
    OutboundRelayRule rule;

    @BeforeEach
    void setUp() throws Exception {
        UsersRepository users = mock(UsersRepository.class);
        when(users.getMailAddressFor(ALICE)).thenReturn(address("alice@ourdomain.test"));
        DomainList domainList = mock(DomainList.class);
        when(domainList.containsDomain(any())).thenAnswer(call -> Domain.of("ourdomain.test").equals(call.getArgument(0)));
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
        SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications());
        SendAsAddress sendAs = SendAsAddress.withoutRelay(address("alice@partner.test"), ALICE, Optional.empty());
        registry.register(sendAs);
        verifier.saved(sendAs, true);
        InMemorySettingsEventLog log = new InMemorySettingsEventLog();
        DmarcPolicies dns = new DmarcPolicies() {
            @Override
            public DmarcPolicy lookup(Domain domain) {
                return partnerPolicy.get();
            }

            @Override
            public DmarcPolicy known(Domain domain) {
                return partnerPolicy.get();
            }
        };
        rule = new OutboundRelayRule(registry, policies, domainList, verifier);
        mailet = new SendOnBehalfOfOwner(users, new DmarcHardeningNotice(rule, registry,
            new DmarcCheck(dns, policies, log, new SettingsEvents(log)), policies));
        mailet.init(FakeMailetConfig.builder().mailetName("SendOnBehalfOfOwner").mailetContext(context).build());
    }

    @Test
    void aPolicyThatBecameRejectIsToldOnceByANoticeAndEveryMailGoesOn() throws Exception {
        Mail before = mail();
        mailet.service(before);
        assertThat(context.getSentMails()).as("p=none: nothing to tell").isEmpty();

        partnerPolicy.set(DmarcPolicy.REJECT);
        Mail first = mail();
        Mail second = mail();
        mailet.service(first);
        mailet.service(second);

        assertThat(first.getMaybeSender().asString()).isEqualTo("alice@ourdomain.test");
        assertThat(second.getMaybeSender().asString()).isEqualTo("alice@ourdomain.test");
        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail notice = context.getSentMails().get(0);
        assertThat(notice.getRecipients()).containsExactly(address("alice@ourdomain.test"));
        assertThat(notice.getSubject()).contains("partner.test may reject your mail from alice@partner.test");
        assertThat(notice.getMsg().getContent().toString())
            .contains("partner.test now publishes the DMARC policy p=reject")
            .contains("It still goes out this way (nothing is held back)");
    }

    /** The matcher's decision (FromIsSendAsThroughOurServers) is taken off the mail and used: the notice still goes. */
    @Test
    void theDecisionCarriedByTheMatcherIsUsedAndTakenOffTheMail() throws Exception {
        partnerPolicy.set(DmarcPolicy.REJECT);
        Mail mail = mail();
        RelayDecisionAttributes.record(mail, rule.decide(mail));
        assertThat(RelayDecisionAttributes.carriedThroughOurServers(mail)).isTrue();

        mailet.service(mail);

        assertThat(RelayDecisionAttributes.carriedThroughOurServers(mail)).isFalse();
        assertThat(context.getSentMails()).singleElement()
            .satisfies(notice -> assertThat(notice.getSubject()).contains("partner.test may reject your mail from alice@partner.test"));
    }

    @Test
    void aNoticeThatCannotBeSentNeverFailsTheMail() throws Exception {
        partnerPolicy.set(DmarcPolicy.QUARANTINE);
        SendOnBehalfOfOwner withoutPostmaster = mailet;
        withoutPostmaster.init(FakeMailetConfig.builder().mailetName("SendOnBehalfOfOwner")
            .mailetContext(FakeMailContext.builder().build()).build());
        Mail mail = mail();

        withoutPostmaster.service(mail);

        assertThat(mail.getMaybeSender().asString()).isEqualTo("alice@ourdomain.test");
    }

    private static Mail mail() throws Exception {
        MailImpl mail = MailImpl.builder().name("m").sender("alice@partner.test").addRecipient("carol@elsewhere.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addHeader("From", "alice@partner.test").setSubject("hi")
                .setText("the body"))
            .build();
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(ALICE.asString())));
        return mail;
    }

    private static MailAddress address(String address) {
        try {
            return new MailAddress(address);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
