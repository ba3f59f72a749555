package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Base64;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.verification.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

class OutboundRelayRuleTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");

    InMemorySendAsRegistry registry;
    SendAsVerifier verifier;
    InMemoryDomainRelayPolicies policies;
    DomainList domainList;
    OutboundRelayRule rule;

    @BeforeEach
    void setUp() throws Exception {
        registry = new InMemorySendAsRegistry();
        verifier = new SendAsVerifier(new InMemoryVerifications());
        policies = new InMemoryDomainRelayPolicies();
        domainList = mock(DomainList.class);
        when(domainList.containsDomain(any())).thenAnswer(call -> Domain.of("ourdomain.test").equals(call.getArgument(0)));
        rule = new OutboundRelayRule(registry, policies, domainList, verifier);
        registerVerified(sendAs("alice@partner.test", ALICE));
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
    }

    @Test
    void authenticatedOwnerWritingFromHerSendAsAddressIsRelayable() throws Exception {
        assertThat(rule.relayableSendAs(mail(ALICE, "Alice <alice@partner.test>"))).isPresent();
    }

    @Test
    void caseVariantsOfTheAddressAreTheSameAddress() throws Exception {
        assertThat(rule.relayableSendAs(mail(ALICE, "ALICE@Partner.TEST"))).isPresent();
    }

    @Test
    void domainPolicyOffByDefault() throws Exception {
        policies = new InMemoryDomainRelayPolicies();
        rule = new OutboundRelayRule(registry, policies, domainList, verifier);
        assertThat(rule.relayableSendAs(mail(ALICE, "alice@partner.test"))).isEmpty();
        assertThat(rule.registeredSendAs(mail(ALICE, "alice@partner.test"))).isPresent();
    }

    @Test
    void relayWithoutTlsCountsOnlyWhileTheDomainAllowsInsecureRelays() throws Exception {
        MailAddress clear = new MailAddress("alice@clear.test");
        SendAsAddress tls = sendAs("alice@clear.test", ALICE);
        registerVerified(new SendAsAddress(clear, ALICE, new RelayServer("smtp.clear.test", 25, RelaySecurity.NONE),
            tls.relayUsername(), tls.relayPassword()));

        assertThat(rule.relayableSendAs(mail(ALICE, "alice@clear.test"))).isEmpty();
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, true));
        assertThat(rule.relayableSendAs(mail(ALICE, "alice@clear.test"))).isPresent();
    }

    @Test
    void encodedWordHidingTheAddressIsNotAMailbox() throws Exception {
        // "=?UTF-8?B?YWxpY2VAcGFydG5lci50ZXN0?=" decodes to alice@partner.test, but an encoded word is never an addr-spec.
        assertThat(rule.relayableSendAs(mail(ALICE, "=?UTF-8?B?YWxpY2VAcGFydG5lci50ZXN0?="))).isEmpty();
    }

    @Test
    void lookAlikeUnicodeLocalPartIsAnotherAddress() throws Exception {
        // U+0430 CYRILLIC SMALL LETTER A instead of the latin a.
        assertThat(rule.relayableSendAs(mail(ALICE, "\u0430lice@partner.test"))).isEmpty();
    }

    @Test
    void idnDomainMatchesWhateverItsCaseAndNeverForAnotherUser() throws Exception {
        registerVerified(sendAs("alice@xn--prtner-bua.test", ALICE));

        assertThat(rule.relayableSendAs(mail(ALICE, "Alice@XN--PRTNER-BUA.test"))).isPresent();
        assertThat(rule.relayableSendAs(mail(BOB, "alice@xn--prtner-bua.test"))).isEmpty();
        // A raw UTF-8 domain in the From is not read as the registered punycode address: it fails closed.
        assertThat(rule.relayableSendAs(mail(BOB, "alice@p\u00e4rtner.test"))).isEmpty();
    }

    @Test
    void headerInjectionInTheFromIsNeverRelayable() throws Exception {
        assertThat(rule.relayableSendAs(mail(ALICE, "alice@partner.test\r\nBcc: victim@elsewhere.test"))).isEmpty();
    }

    @Test
    void unauthenticatedMailIsNeverRelayable() throws Exception {
        assertThat(rule.relayableSendAs(mail(null, "alice@partner.test"))).isEmpty();
    }

    @Test
    void anotherUserCannotUseAlicesAddress() throws Exception {
        assertThat(rule.relayableSendAs(mail(BOB, "alice@partner.test"))).isEmpty();
    }

    @Test
    void displayNameHoldingTheAddressOfAnotherUserDoesNotCount() throws Exception {
        assertThat(rule.relayableSendAs(mail(BOB, "\"alice@partner.test\" <bob@partner.test>"))).isEmpty();
    }

    @Test
    void twoMailboxesInFromAreNeverRelayable() throws Exception {
        assertThat(rule.relayableSendAs(mail(ALICE, "alice@partner.test, bob@ourdomain.test"))).isEmpty();
    }

    @Test
    void twoFromFieldsAreNeverRelayable() throws Exception {
        Mail mail = mail(ALICE, "alice@partner.test");
        mail.getMessage().addHeader("From", "alice@partner.test");
        assertThat(rule.relayableSendAs(mail)).isEmpty();
    }

    @Test
    void anAddressThatBecameLocalIsNotRelayed() throws Exception {
        when(domainList.containsDomain(Domain.of("partner.test"))).thenReturn(true);
        assertThat(rule.relayableSendAs(mail(ALICE, "alice@partner.test"))).isEmpty();
    }

    @Test
    void domainListFailureFailsClosed() throws Exception {
        org.mockito.Mockito.doThrow(new DomainListException("down")).when(domainList).containsDomain(any());
        assertThat(rule.relayableSendAs(mail(ALICE, "alice@partner.test"))).isEmpty();
    }

    @Test
    void jmapSubmissionCountsAsAuthenticated() throws Exception {
        Mail mail = mail(null, "alice@partner.test");
        mail.setAttribute(new Attribute(AuthenticatedSender.JMAP_USERNAME, AttributeValue.of(ALICE.asString())));
        assertThat(rule.relayableSendAs(mail)).isPresent();
    }

    @Test
    void registeringAnAddressOfAnotherUserIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.register(sendAs("Alice@partner.test", BOB)))
            .isInstanceOf(SendAsRegistry.AddressOwnedByAnotherUserException.class);
    }

    @Test
    void pendingAddressIsNeverRelayableNorAMailFrom() throws Exception {
        SendAsAddress pending = sendAs("alice.pending@partner.test", ALICE);
        registry.register(pending);
        verifier.saved(pending, false);

        assertThat(rule.relayableSendAs(mail(ALICE, "alice.pending@partner.test"))).isEmpty();
        assertThat(rule.isForeignSendAsOf(ALICE, pending.address())).isFalse();
        assertThat(rule.isForeignSendAsOf(ALICE, new MailAddress("alice@partner.test"))).isTrue();
    }

    @Test
    void aSendAsMailFromNeedsTheDomainToAllowRelayingExactlyAsTheMatcher() throws Exception {
        MailAddress address = new MailAddress("alice@partner.test");
        assertThat(rule.isForeignSendAsOf(ALICE, address)).isTrue();

        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false));
        assertThat(rule.isForeignSendAsOf(ALICE, address)).isFalse();
        assertThat(rule.relayableSendAs(mail(ALICE, "alice@partner.test"))).isEmpty();

        SendAsAddress tls = sendAs("alice@clear.test", ALICE);
        registerVerified(new SendAsAddress(new MailAddress("alice@clear.test"), ALICE,
            new RelayServer("smtp.clear.test", 25, RelaySecurity.NONE), tls.relayUsername(), tls.relayPassword()));
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
        assertThat(rule.isForeignSendAsOf(ALICE, new MailAddress("alice@clear.test"))).isFalse();
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, true));
        assertThat(rule.isForeignSendAsOf(ALICE, new MailAddress("alice@clear.test"))).isTrue();
    }

    @Test
    void addressWhoseRelayHostChangedIsPendingAgain() throws Exception {
        SendAsAddress verified = registry.find(new MailAddress("alice@partner.test")).orElseThrow();
        registry.register(new SendAsAddress(verified.address(), ALICE, new RelayServer("smtp.evil.test", 587, RelaySecurity.STARTTLS),
            verified.relayUsername(), verified.relayPassword()));

        assertThat(rule.relayableSendAs(mail(ALICE, "alice@partner.test"))).isEmpty();
    }

    private void registerVerified(SendAsAddress sendAs) {
        registry.register(sendAs);
        verifier.saved(sendAs, true);
    }

    static SendAsAddress sendAs(String address, Username owner) throws Exception {
        AesGcmSecretSealer sealer = new AesGcmSecretSealer(
            Map.of("k1", new SecretKeySpec(Base64.getDecoder().decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), "AES")), "k1");
        MailAddress mailAddress = new MailAddress(address);
        return SendAsAddress.withPassword(mailAddress, owner, new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS),
            "alice", "secret", sealer);
    }

    static Mail mail(Username authenticated, String from) throws Exception {
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("From", from)
            .setSubject("hi")
            .setText("body")
            .build();
        FakeMail.Builder builder = FakeMail.builder().name("m").mimeMessage(message).recipient("carol@elsewhere.test");
        if (authenticated != null) {
            builder.attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(authenticated.asString())));
        }
        return builder.build();
    }
}
