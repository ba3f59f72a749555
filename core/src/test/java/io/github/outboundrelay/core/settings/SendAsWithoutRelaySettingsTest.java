package io.github.outboundrelay.core.settings;

import static io.github.outboundrelay.core.settings.SendAsSettingsTest.ADDRESS;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.ALICE;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.BOB;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.address;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;

import java.time.Instant;
import java.util.Optional;


import org.apache.james.core.Domain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * Alternate addresses without a relay (Gmail's "Send through ourdomain"): registered, verified and switched to and
 * from a relay through the one settings flow.
 */
class SendAsWithoutRelaySettingsTest {
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");

    InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
    SendAsSettingsTest.MutableClock clock = new SendAsSettingsTest.MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications(), clock);
    SendAsSettingsTest.RecordingProbe probe = new SendAsSettingsTest.RecordingProbe();
    InMemorySettingsEventLog events = new InMemorySettingsEventLog();
    SendAsSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        settings = SendAsSettingsTest.settingsOver(registry, policies, verifier, probe, new SettingsEvents(events, clock), clock);
    }

    @Test
    void withTheDefaultPolicyAnAddressWithoutRelayIsRegisteredVerifiedByItsCodeAndSentThroughOurServers() {
        SendAsView saved = settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay("Alice at Partner"));

        assertThat(saved.status()).isEqualTo("pending");
        assertThat(saved.host()).isNull();
        assertThat(saved.port()).isNull();
        assertThat(saved.credential()).isNull();
        assertThat(saved.passwordSet()).isFalse();
        assertThat(saved.displayName()).isEqualTo("Alice at Partner");
        assertThat(saved.path()).isEqualTo("none");
        assertThat(saved.pathReason()).isEqualTo("pending");
        assertThat(probe.calls).as("no relay to try; the code is mailed to the address").containsExactly("code alice@partner.test");
        assertThat(probe.lastCodeCouldUseRelay).isFalse();

        SendAsView confirmed = settings.confirm(Actor.USER, ALICE, ADDRESS, probe.lastCode);

        assertThat(confirmed.status()).isEqualTo("verified");
        assertThat(confirmed.path()).isEqualTo("ourServers");
        assertThat(confirmed.pathReason()).isEqualTo("noRelay");
        assertThat(events.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(event -> event.type().label() + ": " + event.detail())
            .contains("send-as-added: none (our servers); status pending");
    }

    @Test
    void anAdminMayVouchForAnAddressWithoutRelay() {
        SendAsView saved = settings.save(Actor.ADMIN, ALICE, ADDRESS, SendAsRequest.withoutRelay(Optional.of(true), Optional.empty()));

        assertThat(saved.status()).isEqualTo("verified");
        assertThat(saved.path()).isEqualTo("ourServers");
        assertThat(probe.calls).isEmpty();
    }

    @Test
    void anAddressInOneOfOurDomainsIsRefusedNamingTheAddress() {
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, address("alice2@ourdomain.test"), withoutRelay(null)))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'address' must not be in one of our domains");
    }

    @Test
    void anotherUsersAddressIsAConflict() {
        settings.save(Actor.ADMIN, BOB, ADDRESS, SendAsRequest.withoutRelay(Optional.of(true), Optional.empty()));

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay(null)))
            .isInstanceOfSatisfying(SendAsSettingsException.class,
                e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.CONFLICT));
    }

    @Test
    void whereCodesGoToTheMailboxTheStoredCredentialIsNotHandedToTheCodeMail() {
        probe.codesThroughRelays = false;
        policies.set(new DomainRelayPolicy(OURDOMAIN, true));

        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        assertThat(probe.calls).containsExactly("probe alice@partner.test secret", "code alice@partner.test");
        assertThat(probe.lastCodeCouldUseRelay).as("no relay login opened for a code mailed to the mailbox").isFalse();
    }

    @Test
    void addingARelayLaterNeedsRelaysAllowedTriesItAndVerifiesTheAddressAgain() {
        verifiedWithoutRelay();

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret")))
            .isInstanceOfSatisfying(SendAsSettingsException.class,
                e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.DOMAIN_NOT_ALLOWED))
            .hasMessageStartingWith("Outbound relay is not enabled for ourdomain.test");
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", null)))
            .isInstanceOf(SendAsSettingsException.class);

        policies.set(new DomainRelayPolicy(OURDOMAIN, true));
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", null)))
            .as("there is no stored password to keep").isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'password' is required");
        probe.calls.clear();
        SendAsView withRelay = settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        assertThat(probe.calls).containsExactly("probe alice@partner.test secret", "code alice@partner.test");
        assertThat(probe.lastCodeCouldUseRelay).isTrue();
        assertThat(withRelay.status()).as("a new relay host is verified again, as for any relay change").isEqualTo("pending");
        settings.confirm(Actor.USER, ALICE, ADDRESS, probe.lastCode);
        assertThat(settings.get(ALICE, ADDRESS).path()).isEqualTo("relay");
        assertThat(settings.get(ALICE, ADDRESS).pathReason()).isEqualTo("relayAllowed");
    }

    @Test
    void removingTheRelayGoesBackToOurServersAndKeepsTheAddressVerifiedWithoutACode() {
        policies.set(new DomainRelayPolicy(OURDOMAIN, true));
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));
        settings.confirm(Actor.USER, ALICE, ADDRESS, probe.lastCode);
        policies.set(new DomainRelayPolicy(OURDOMAIN, false));
        probe.calls.clear();

        SendAsView back = settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay(null));

        assertThat(back.status()).isEqualTo("verified");
        assertThat(back.host()).isNull();
        assertThat(back.path()).isEqualTo("ourServers");
        assertThat(back.pathReason()).isEqualTo("noRelay");
        assertThat(probe.calls).isEmpty();
        assertThat(events.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(event -> event.detail())
            .contains("relay smtp.partner.test:587 STARTTLS, username alice -> none (our servers); status verified");
    }

    @Test
    void anAddressWithoutRelayHasNothingToTest() {
        policies.set(new DomainRelayPolicy(OURDOMAIN, true));
        verifiedWithoutRelay();

        assertThatThrownBy(() -> settings.test(Actor.USER, ALICE, ADDRESS))
            .isInstanceOfSatisfying(SendAsSettingsException.class,
                e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.CONFLICT))
            .hasMessage("alice@partner.test has no relay to test: our servers send its mail");
    }

    @Test
    void aPendingAddressWithARelayGetsItsCodeByTheNormalPathWhileRelaysAreOff() {
        policies.set(new DomainRelayPolicy(OURDOMAIN, true));
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));
        policies.set(new DomainRelayPolicy(OURDOMAIN, false));
        clock.advance(java.time.Duration.ofMinutes(1));

        settings.resendCode(Actor.USER, ALICE, ADDRESS);

        assertThat(probe.lastCodeCouldUseRelay).isFalse();
    }

    private void verifiedWithoutRelay() {
        settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay(null));
        settings.confirm(Actor.USER, ALICE, ADDRESS, probe.lastCode);
    }

    private static SendAsRequest withoutRelay(String displayName) {
        return SendAsRequest.withoutRelay(Optional.empty(), Optional.ofNullable(displayName));
    }
}
