package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

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

import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
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
        SendAsDecision decision = rule.decide(mail(ALICE, "Alice <alice@partner.test>"));

        assertThat(decision).isInstanceOf(SendAsDecision.ThroughRelay.class);
        assertThat(decision.reason()).isEqualTo(SendAsDecision.Reason.RELAY_ALLOWED);
        assertThat(((SendAsDecision.ThroughRelay) decision).account().server().host()).isEqualTo("smtp.partner.test");
    }

    @Test
    void caseVariantsOfTheAddressAreTheSameAddress() throws Exception {
        assertThat(pathOf(mail(ALICE, "ALICE@Partner.TEST"))).isEqualTo("relay");
    }

    @Test
    void byDefaultAlternateAddressesGoThroughOurServersSinceRelaysAreOff() throws Exception {
        policies = new InMemoryDomainRelayPolicies();
        rule = new OutboundRelayRule(registry, policies, domainList, verifier);

        SendAsDecision decision = rule.decide(mail(ALICE, "alice@partner.test"));

        assertThat(decision.path()).isEqualTo("ourServers");
        assertThat(decision.reason()).isEqualTo(SendAsDecision.Reason.RELAYS_OFF);
        assertThat(decision.sendAs()).map(SendAsAddress::owner).contains(ALICE);
        assertThat(rule.registeredSendAs(mail(ALICE, "alice@partner.test"))).isPresent();
        assertThat(rule.maySendAs(ALICE, new MailAddress("alice@partner.test"))).isTrue();
    }

    @Test
    void anAddressWithoutRelayGoesThroughOurServersWhateverTheRelaySwitch() throws Exception {
        registerVerified(SendAsAddress.withoutRelay(new MailAddress("alice@norelay.test"), ALICE, Optional.empty()));

        assertThat(rule.decide(mail(ALICE, "alice@norelay.test")).reason()).isEqualTo(SendAsDecision.Reason.NO_RELAY);
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false));
        assertThat(rule.decide(mail(ALICE, "alice@norelay.test")).reason()).isEqualTo(SendAsDecision.Reason.NO_RELAY);
        assertThat(rule.maySendAs(ALICE, new MailAddress("alice@norelay.test"))).isTrue();
        assertThat(rule.maySendAs(BOB, new MailAddress("alice@norelay.test"))).isFalse();
    }

    @Test
    void alternateAddressesSwitchedOffMakeNoSendAsAtAllWithOrWithoutRelay() throws Exception {
        registerVerified(SendAsAddress.withoutRelay(new MailAddress("alice@norelay.test"), ALICE, Optional.empty()));
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, true, false));

        assertThat(rule.decide(mail(ALICE, "alice@partner.test"))).isEqualTo(SendAsDecision.NotSendAs.ALTERNATE_ADDRESSES_OFF);
        assertThat(rule.decide(mail(ALICE, "alice@norelay.test"))).isEqualTo(SendAsDecision.NotSendAs.ALTERNATE_ADDRESSES_OFF);
        assertThat(rule.maySendAs(ALICE, new MailAddress("alice@partner.test"))).isFalse();
        assertThat(rule.maySendAs(ALICE, new MailAddress("alice@norelay.test"))).isFalse();
        assertThat(rule.senderDomainAllowsRelay(mail(ALICE, "alice@partner.test"))).isFalse();
    }

    @Test
    void relayWithoutTlsIsUsedOnlyWhileTheDomainAllowsInsecureRelaysAndOurServersSendOtherwise() throws Exception {
        MailAddress clear = new MailAddress("alice@clear.test");
        SendAsAddress tls = sendAs("alice@clear.test", ALICE);
        registerVerified(new SendAsAddress(clear, ALICE, new RelayServer("smtp.clear.test", 25, RelaySecurity.NONE),
            tls.requireRelayAccount().username(), tls.requireRelayAccount().credential()));

        assertThat(rule.decide(mail(ALICE, "alice@clear.test")).reason()).isEqualTo(SendAsDecision.Reason.INSECURE_RELAYS_OFF);
        assertThat(rule.senderDomainAllowsRelay(mail(ALICE, "alice@clear.test"))).isFalse();
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, true));
        assertThat(pathOf(mail(ALICE, "alice@clear.test"))).isEqualTo("relay");
        assertThat(rule.senderDomainAllowsRelay(mail(ALICE, "alice@clear.test"))).isTrue();
    }

    @Test
    void encodedWordHidingTheAddressIsNotAMailbox() throws Exception {
        // "=?UTF-8?B?YWxpY2VAcGFydG5lci50ZXN0?=" decodes to alice@partner.test, but an encoded word is never an addr-spec.
        assertThat(pathOf(mail(ALICE, "=?UTF-8?B?YWxpY2VAcGFydG5lci50ZXN0?="))).isEqualTo("none");
    }

    @Test
    void lookAlikeUnicodeLocalPartIsAnotherAddress() throws Exception {
        // U+0430 CYRILLIC SMALL LETTER A instead of the latin a.
        assertThat(pathOf(mail(ALICE, "\u0430lice@partner.test"))).isEqualTo("none");
    }

    @Test
    void idnDomainMatchesWhateverItsCaseAndNeverForAnotherUser() throws Exception {
        registerVerified(sendAs("alice@xn--prtner-bua.test", ALICE));

        assertThat(pathOf(mail(ALICE, "Alice@XN--PRTNER-BUA.test"))).isEqualTo("relay");
        assertThat(pathOf(mail(BOB, "alice@xn--prtner-bua.test"))).isEqualTo("none");
        // A raw UTF-8 domain in the From is not read as the registered punycode address: it fails closed.
        assertThat(pathOf(mail(BOB, "alice@p\u00e4rtner.test"))).isEqualTo("none");
    }

    @Test
    void headerInjectionInTheFromIsNeverASendAs() throws Exception {
        assertThat(pathOf(mail(ALICE, "alice@partner.test\r\nBcc: victim@elsewhere.test"))).isEqualTo("none");
    }

    @Test
    void unauthenticatedMailIsNeverASendAs() throws Exception {
        assertThat(rule.decide(mail(null, "alice@partner.test"))).isEqualTo(SendAsDecision.NotSendAs.NOT_AN_ALTERNATE_ADDRESS);
        assertThat(rule.decide(mail(null, "alice@partner.test", "alice@partner.test")).isSendAs()).isFalse();
    }

    @Test
    void anotherUserCannotUseAlicesAddress() throws Exception {
        assertThat(pathOf(mail(BOB, "alice@partner.test"))).isEqualTo("none");
        assertThat(pathOf(mail(BOB, "alice@partner.test", "alice@partner.test"))).isEqualTo("none");
        assertThat(rule.maySendAs(BOB, new MailAddress("alice@partner.test"))).isFalse();
    }

    @Test
    void displayNameHoldingTheAddressOfAnotherUserDoesNotCount() throws Exception {
        assertThat(pathOf(mail(BOB, "\"alice@partner.test\" <bob@partner.test>"))).isEqualTo("none");
    }

    @Test
    void twoMailboxesInFromAreNeverASendAs() throws Exception {
        assertThat(pathOf(mail(ALICE, "alice@partner.test, bob@ourdomain.test"))).isEqualTo("none");
    }

    @Test
    void twoFromFieldsAreNeverASendAs() throws Exception {
        Mail mail = mail(ALICE, "alice@partner.test");
        mail.getMessage().addHeader("From", "alice@partner.test");
        assertThat(pathOf(mail)).isEqualTo("none");
    }

    @Test
    void anEnvelopeSenderAdmittedAsAnAlternateAddressGoesThroughOurServersWhateverTheFrom() throws Exception {
        // MAIL FROM:<alice@partner.test> was admitted, the From: is her own address: never the gateway with the
        // partner's address as envelope sender, not the relay either (the From is not the address).
        SendAsDecision decision = rule.decide(mail(ALICE, "alice@ourdomain.test", "alice@partner.test"));

        assertThat(decision).isInstanceOf(SendAsDecision.ThroughOurServers.class);
        assertThat(decision.sendAs()).map(SendAsAddress::key).contains("alice@partner.test");
        assertThat(pathOf(mail(ALICE, "alice@ourdomain.test", "alice@ourdomain.test"))).isEqualTo("none");
    }

    @Test
    void anAddressThatBecameLocalIsNoSendAs() throws Exception {
        when(domainList.containsDomain(Domain.of("partner.test"))).thenReturn(true);
        assertThat(rule.decide(mail(ALICE, "alice@partner.test"))).isEqualTo(SendAsDecision.NotSendAs.LOCAL_ADDRESS);
        assertThat(rule.maySendAs(ALICE, new MailAddress("alice@partner.test"))).isFalse();
    }

    @Test
    void domainListFailureFailsClosed() throws Exception {
        org.mockito.Mockito.doThrow(new DomainListException("down")).when(domainList).containsDomain(any());
        assertThat(pathOf(mail(ALICE, "alice@partner.test"))).isEqualTo("none");
    }

    @Test
    void jmapSubmissionCountsAsAuthenticated() throws Exception {
        Mail mail = mail(null, "alice@partner.test");
        mail.setAttribute(new Attribute(AuthenticatedSender.JMAP_USERNAME, AttributeValue.of(ALICE.asString())));
        assertThat(pathOf(mail)).isEqualTo("relay");
    }

    @Test
    void registeringAnAddressOfAnotherUserIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.register(sendAs("Alice@partner.test", BOB)))
            .isInstanceOf(SendAsRegistry.AddressOwnedByAnotherUserException.class);
    }

    @Test
    void pendingAddressIsNeverASendAsNorAMailFrom() throws Exception {
        SendAsAddress pending = sendAs("alice.pending@partner.test", ALICE);
        registry.register(pending);
        verifier.saved(pending, false);

        assertThat(rule.decide(mail(ALICE, "alice.pending@partner.test"))).isEqualTo(SendAsDecision.NotSendAs.PENDING);
        assertThat(rule.decide(mail(ALICE, "alice@ourdomain.test", "alice.pending@partner.test")).isSendAs()).isFalse();
        assertThat(rule.maySendAs(ALICE, pending.address())).isFalse();
        assertThat(rule.maySendAs(ALICE, new MailAddress("alice@partner.test"))).isTrue();
    }

    @Test
    void theMailFromRuleIsTheMatchersRule() throws Exception {
        MailAddress address = new MailAddress("alice@partner.test");
        assertThat(rule.decide(ALICE, address).path()).isEqualTo("relay");

        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false));
        assertThat(rule.decide(ALICE, address).path()).isEqualTo("ourServers");
        assertThat(pathOf(mail(ALICE, "alice@partner.test"))).isEqualTo("ourServers");

        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false, false, false));
        assertThat(rule.decide(ALICE, address).path()).isEqualTo("none");
        assertThat(pathOf(mail(ALICE, "alice@partner.test"))).isEqualTo("none");
    }

    @Test
    void theMatchersHalvesComposeToTheRelayPath() throws Exception {
        registerVerified(SendAsAddress.withoutRelay(new MailAddress("alice@norelay.test"), ALICE, Optional.empty()));

        assertThat(rule.senderDomainAllowsRelay(mail(ALICE, "alice@partner.test"))).isTrue();
        assertThat(rule.senderDomainAllowsRelay(mail(ALICE, "alice@norelay.test"))).isFalse();
        assertThat(rule.senderDomainAllowsRelay(mail(ALICE, "alice@ourdomain.test"))).isTrue();
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false));
        assertThat(rule.senderDomainAllowsRelay(mail(ALICE, "alice@partner.test"))).isFalse();
    }

    @Test
    void addressWhoseRelayHostChangedIsPendingAgain() throws Exception {
        SendAsAddress verified = registry.find(new MailAddress("alice@partner.test")).orElseThrow();
        registry.register(new SendAsAddress(verified.address(), ALICE, new RelayServer("smtp.evil.test", 587, RelaySecurity.STARTTLS),
            verified.requireRelayAccount().username(), verified.requireRelayAccount().credential()));

        assertThat(pathOf(mail(ALICE, "alice@partner.test"))).isEqualTo("none");
    }

    @Test
    void aUserWithoutAlternateAddressIsAnsweredWithoutReadingTheMessage() throws Exception {
        Mail mail = org.mockito.Mockito.spy(mail(BOB, "alice@partner.test", "alice@partner.test"));

        assertThat(rule.decide(mail)).isEqualTo(SendAsDecision.NotSendAs.NOT_AN_ALTERNATE_ADDRESS);
        org.mockito.Mockito.verify(mail, org.mockito.Mockito.never()).getMessage();
        org.mockito.Mockito.verify(mail, org.mockito.Mockito.never()).getMaybeSender();
    }

    @Test
    void aPolicySwitchedOffIsSeenByTheVeryNextMailWhateverTheOwnerIndex() throws Exception {
        Mail mail = mail(ALICE, "alice@partner.test");
        assertThat(pathOf(mail)).isEqualTo("relay");

        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false));
        assertThat(pathOf(mail)).isEqualTo("ourServers");
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false, false, false));
        assertThat(pathOf(mail)).isEqualTo("none");
    }

    @Test
    void aPlainFromAndAnyOtherSpellingOfTheSameMailboxDecideAlike() throws Exception {
        for (String from : java.util.List.of("alice@partner.test", "Alice <ALICE@partner.test>", "<alice@Partner.Test>",
            "\"Alice\" <alice@partner.test>", "Alice (work) <alice@partner.test>", " alice@partner.test ")) {
            assertThat(pathOf(mail(ALICE, from))).as(from).isEqualTo("relay");
        }
        for (String from : java.util.List.of("alice@partner.test.evil", "xalice@partner.test", "alice@partner.tes",
            "Alice <alice@partner.test>, bob@partner.test", "alice@partner.test <bob@elsewhere.test>")) {
            assertThat(pathOf(mail(ALICE, from))).as(from).isEqualTo("none");
        }
    }

    @Test
    void theAuthenticatedNameIsTheUserJamesMakesOfItWhateverItsSpelling() throws Exception {
        for (String name : java.util.List.of("alice@ourdomain.test", "ALICE@OurDomain.TEST", "Alice@ourdomain.test",
            "alice@[ourdomain.test]")) {
            assertThat(pathOf(mailAuthenticatedAs(name, "alice@partner.test"))).as(name).isEqualTo("relay");
        }
        for (String name : java.util.List.of("alice", "alice@ourdomain", " alice@ourdomain.test", "alice@ourdomain.test ",
            "alice@@ourdomain.test", "alice@ourdomain.test.evil", "bob@ourdomain.test", "\u0130alice@ourdomain.test",
            "a".repeat(250) + "@ourdomain.test")) {
            assertThat(pathOf(mailAuthenticatedAs(name, "alice@partner.test"))).as(name).isEqualTo("none");
        }
    }

    @Test
    void aDomainLessOwnerIsFoundByItsDomainLessNameOnly() throws Exception {
        registerVerified(sendAs("carol@partner.test", Username.of("carol")));

        assertThat(rule.registeredSendAs(mailAuthenticatedAs("CAROL", "carol@partner.test"))).isPresent();
        assertThat(rule.registeredSendAs(mailAuthenticatedAs("carol@ourdomain.test", "carol@partner.test"))).isEmpty();
    }

    @Test
    void aVerificationWithdrawnIsSeenByTheVeryNextMailWhateverTheKeyTheIndexHolds() throws Exception {
        SendAsAddress alice = registry.find(new MailAddress("alice@partner.test")).orElseThrow();
        Mail mail = mail(ALICE, "alice@partner.test");
        assertThat(pathOf(mail)).isEqualTo("relay");

        verifier.forget(alice);
        assertThat(pathOf(mail)).isEqualTo("none");
        assertThat(rule.registeredSendAs(mail)).isEmpty();
        verifier.saved(alice, true);
        assertThat(pathOf(mail)).isEqualTo("relay");
        when(domainList.containsDomain(Domain.of("partner.test"))).thenReturn(true);
        assertThat(pathOf(mail)).isEqualTo("none");
    }

    private String pathOf(Mail mail) throws Exception {
        return rule.decide(mail).path();
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

    static Mail mailAuthenticatedAs(String authenticatedName, String from) throws Exception {
        return FakeMail.builder().name("m").recipient("carol@elsewhere.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addHeader("From", from).setText("body").build())
            .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(authenticatedName)))
            .build();
    }

    static Mail mail(Username authenticated, String from) throws Exception {
        return mail(authenticated, from, null);
    }

    static Mail mail(Username authenticated, String from, String envelopeSender) throws Exception {
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("From", from)
            .setSubject("hi")
            .setText("body")
            .build();
        FakeMail.Builder builder = FakeMail.builder().name("m").mimeMessage(message).recipient("carol@elsewhere.test");
        if (envelopeSender != null) {
            builder.sender(envelopeSender);
        }
        if (authenticated != null) {
            builder.attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(authenticated.asString())));
        }
        return builder.build();
    }
}
