package io.github.outboundrelay.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Base64;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.domainlist.api.DomainList;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.RelayDecisionAttributes;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

class OutboundRelayMatchersTest {
    static final Domain OUR_DOMAIN = Domain.of("ourdomain.test");
    InMemoryDomainRelayPolicies policies;
    InMemorySendAsRegistry registry;
    FromIsRelayableSendAs whole;
    FromIsSendAsOfAuthenticatedSender registered;
    SenderDomainAllowsOutboundRelay allowed;
    FromIsSendAsThroughOurServers ourServers;

    @BeforeEach
    void setUp() throws Exception {
        registry = new InMemorySendAsRegistry();
        policies = new InMemoryDomainRelayPolicies();
        DomainList domainList = mock(DomainList.class);
        when(domainList.containsDomain(any())).thenAnswer(call -> OUR_DOMAIN.equals(call.getArgument(0)));
        AesGcmSecretSealer sealer = new AesGcmSecretSealer(
            Map.of("k", new SecretKeySpec(Base64.getDecoder().decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), "AES")), "k");
        SendAsAddress alice = new SendAsAddress(new MailAddress("alice@partner.test"), Username.of("alice@ourdomain.test"),
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS), "alice", sealer.seal("pw", "alice@partner.test"));
        registry.register(alice);
        SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications());
        verifier.saved(alice, true);
        SendAsAddress clear = new SendAsAddress(new MailAddress("alice@clear.test"), Username.of("alice@ourdomain.test"),
            new RelayServer("smtp.clear.test", 25, RelaySecurity.NONE), "alice", sealer.seal("pw", "alice@clear.test"));
        registry.register(clear);
        verifier.saved(clear, true);
        OutboundRelayRule rule = new OutboundRelayRule(registry, policies, domainList, verifier);
        whole = init(new FromIsRelayableSendAs(rule));
        registered = init(new FromIsSendAsOfAuthenticatedSender(rule));
        allowed = init(new SenderDomainAllowsOutboundRelay(rule));
        ourServers = init(new FromIsSendAsThroughOurServers(rule));
    }

    @Test
    void wholeRuleMatchesAllRecipientsWhenEveryPieceHolds() throws Exception {
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true));
        Mail mail = mail("alice@ourdomain.test", "alice@partner.test");

        assertThat(whole.match(mail)).containsExactlyInAnyOrderElementsOf(mail.getRecipients());
        assertThat(registered.match(mail)).hasSize(2);
        assertThat(allowed.match(mail)).hasSize(2);
        assertThat(ourServers.match(mail)).isEmpty();
    }

    /** The delivery mailet queues the mail as the address decided here, without running the rule again. */
    @Test
    void theRelayDecisionTravelsWithTheMailToTheDeliveryMailet() throws Exception {
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true));
        Mail mail = mail("alice@ourdomain.test", "alice@partner.test");

        whole.match(mail);

        assertThat(RelayDecisionAttributes.carried(mail)).isTrue();
        assertThat(RelayDecisionAttributes.take(mail, registry)).map(sendAs -> sendAs.address().asString())
            .contains("alice@partner.test");
        assertThat(RelayDecisionAttributes.carried(mail)).as("taken off the mail").isFalse();
    }

    /** SendOnBehalfOfOwner takes the address decided here, without running the rule again. */
    @Test
    void theOurServersDecisionTravelsWithTheMailButIsNoRelayDecision() throws Exception {
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, false));
        Mail mail = mail("alice@ourdomain.test", "alice@partner.test");

        assertThat(ourServers.match(mail)).isNotEmpty();

        assertThat(RelayDecisionAttributes.carried(mail)).as("no relay decision").isFalse();
        assertThat(RelayDecisionAttributes.take(mail, registry)).isEmpty();
        assertThat(RelayDecisionAttributes.carriedThroughOurServers(mail)).isTrue();
        assertThat(RelayDecisionAttributes.takeThroughOurServers(mail, registry)).map(sendAs -> sendAs.address().asString())
            .contains("alice@partner.test");
        assertThat(RelayDecisionAttributes.carriedThroughOurServers(mail)).as("taken off the mail").isFalse();
    }

    @Test
    void aDecisionLeftByAnEarlierPassIsDroppedWhenTheMailIsNotRelayedNow() throws Exception {
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true));
        Mail mail = mail("alice@ourdomain.test", "alice@partner.test");
        whole.match(mail);
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, false));

        assertThat(whole.match(mail)).isEmpty();
        assertThat(RelayDecisionAttributes.carried(mail)).isFalse();
    }

    @Test
    void relaysOffSendTheMailThroughOurServers() throws Exception {
        Mail mail = mail("alice@ourdomain.test", "alice@partner.test");

        assertThat(whole.match(mail)).isEmpty();
        assertThat(registered.match(mail)).hasSize(2);
        assertThat(allowed.match(mail)).isEmpty();
        assertThat(ourServers.match(mail)).containsExactlyInAnyOrderElementsOf(mail.getRecipients());
    }

    @Test
    void alternateAddressesOffMatchNeitherPath() throws Exception {
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true, true, false));
        Mail mail = mail("alice@ourdomain.test", "alice@partner.test");

        assertThat(whole.match(mail)).isEmpty();
        assertThat(ourServers.match(mail)).isEmpty();
        assertThat(allowed.match(mail)).isEmpty();
    }

    @Test
    void anotherSenderMatchesNothingButThePolicyPiece() throws Exception {
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true));
        Mail mail = mail("bob@ourdomain.test", "alice@partner.test");

        assertThat(whole.match(mail)).isEmpty();
        assertThat(registered.match(mail)).isEmpty();
        assertThat(allowed.match(mail)).hasSize(2);
        assertThat(ourServers.match(mail)).isEmpty();
    }

    @Test
    void theComposedPiecesAgreeWithTheWholeRuleForARelayWithoutTls() throws Exception {
        Mail mail = mail("alice@ourdomain.test", "alice@clear.test");
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true, false));

        assertThat(whole.match(mail)).isEmpty();
        assertThat(registered.match(mail)).hasSize(2);
        assertThat(allowed.match(mail)).isEmpty();
        assertThat(ourServers.match(mail)).hasSize(2);

        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true, true));
        assertThat(whole.match(mail)).hasSize(2);
        assertThat(allowed.match(mail)).hasSize(2);
        assertThat(ourServers.match(mail)).isEmpty();
    }

    @Test
    void unauthenticatedMailMatchesNothing() throws Exception {
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true));
        Mail mail = mail(null, "alice@partner.test");

        assertThat(whole.match(mail)).isEmpty();
        assertThat(registered.match(mail)).isEmpty();
        assertThat(allowed.match(mail)).isEmpty();
        assertThat(ourServers.match(mail)).isEmpty();
    }

    private static <T extends org.apache.mailet.base.GenericMatcher> T init(T matcher) throws Exception {
        matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName()).build());
        return matcher;
    }

    private static Mail mail(String authenticatedUser, String from) throws Exception {
        FakeMail.Builder builder = FakeMail.builder().name("mail")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addHeader("From", from).setSubject("s").setText("t"))
            .recipients("carol@elsewhere.test", "bob@ourdomain.test");
        if (authenticatedUser != null) {
            builder.attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(authenticatedUser)));
        }
        return builder.build();
    }
}
