package io.github.outboundrelay.core.settings;

import static io.github.outboundrelay.core.settings.SendAsSettingsTest.ADDRESS;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.ALICE;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.BOB;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;


import org.apache.james.core.Domain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SettingsEvent.Type;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/** What the settings flows record in the audit trail: who did what, what changed, never a secret. */
class SettingsEventsTest {
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");

    InMemorySettingsEventLog log = new InMemorySettingsEventLog();
    InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
    SendAsSettingsTest.MutableClock clock = new SendAsSettingsTest.MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    FailingProbe probe = new FailingProbe();
    SettingsEvents events = new SettingsEvents(log, clock);
    SendAsSettings settings;

    static class FailingProbe extends SendAsSettingsTest.RecordingProbe {
        RelayOutcome probeOutcome = new RelayOutcome.Delivered();
        RelayOutcome codeOutcome = new RelayOutcome.Delivered();

        @Override
        public RelayOutcome probe(SendAsAddress sendAs, io.github.outboundrelay.core.RelayLogin login) {
            super.probe(sendAs, login);
            return probeOutcome;
        }

        @Override
        public RelayOutcome sendVerificationCode(SendAsAddress sendAs, java.util.Optional<io.github.outboundrelay.core.RelayLogin> login, String code) {
            super.sendVerificationCode(sendAs, login, code);
            return codeOutcome;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        policies.set(new DomainRelayPolicy(OURDOMAIN, true));
        settings = SendAsSettingsTest.settingsOver(new InMemorySendAsRegistry(), policies,
            new SendAsVerifier(new InMemoryVerifications(), clock), probe, events, clock);
    }

    @Test
    void aUserAddingAndConfirmingAnAddressIsRecordedStepByStep() {
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));
        clock.advance(Duration.ofMinutes(1));
        settings.confirm(Actor.USER, ALICE, ADDRESS, probe.lastCode);

        assertThat(events()).extracting(SettingsEvent::actor, SettingsEvent::type, SettingsEvent::detail).containsExactly(
            tuple(Actor.USER, Type.RELAY_TESTED, "smtp.partner.test:587 STARTTLS: ok"),
            tuple(Actor.USER, Type.SEND_AS_ADDED, "smtp.partner.test:587 STARTTLS, username alice; status pending"),
            tuple(Actor.USER, Type.VERIFICATION_CODE_MAILED, "sent"),
            tuple(Actor.USER, Type.SEND_AS_VERIFIED, "by the code mailed to the address"));
        assertThat(events()).allSatisfy(event -> {
            assertThat(event.user()).contains(ALICE);
            assertThat(event.sendAs()).contains(ADDRESS);
        });
        assertThat(events().get(3).at()).isEqualTo(Instant.parse("2026-11-28T10:01:00Z"));
    }

    @Test
    void anAdminChangeSaysWhatChangedAndNeverAPassword() {
        settings.save(Actor.ADMIN, ALICE, ADDRESS, vouched("smtp.partner.test", 587, "alice", "old-secret"));
        settings.save(Actor.ADMIN, ALICE, ADDRESS, new SendAsRequest(new RelayServer("smtp2.partner.test", 465,
            RelaySecurity.SMTPS), "alice2", Optional.of("new-secret"), Optional.empty()));

        assertThat(events()).extracting(SettingsEvent::actor, SettingsEvent::type, SettingsEvent::detail).containsExactly(
            tuple(Actor.ADMIN, Type.SEND_AS_ADDED, "smtp.partner.test:587 STARTTLS, username alice; status verified"),
            tuple(Actor.ADMIN, Type.SEND_AS_VERIFIED, "vouched for by an admin"),
            tuple(Actor.ADMIN, Type.RELAY_TESTED, "smtp2.partner.test:465 SMTPS: ok"),
            tuple(Actor.ADMIN, Type.SEND_AS_CHANGED, "host smtp.partner.test -> smtp2.partner.test, port 587 -> 465, "
                + "security STARTTLS -> SMTPS, username alice -> alice2, password replaced; status pending"),
            tuple(Actor.ADMIN, Type.VERIFICATION_CODE_MAILED, "sent"));
        assertThat(events()).allSatisfy(event -> assertThat(event.toString()).doesNotContain("secret"));
    }

    @Test
    void aPasswordOnlyChangeNamesThePasswordAndKeepsTheStatus() {
        settings.save(Actor.ADMIN, ALICE, ADDRESS, vouched("smtp.partner.test", 587, "alice", "old-secret"));
        int seen = events().size();

        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "new-secret"));

        assertThat(eventsAfter(seen)).extracting(SettingsEvent::type, SettingsEvent::detail).containsExactly(
            tuple(Type.RELAY_TESTED, "smtp.partner.test:587 STARTTLS: ok"),
            tuple(Type.SEND_AS_CHANGED, "password replaced; status verified"));
    }

    @Test
    void failedRelayTestsAndCodeMailsAreRecordedWithTheirReasonClassOnly() {
        probe.probeOutcome = new RelayOutcome.AuthRejected("535 no", java.util.Optional.of(535));
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "wrong")))
            .isInstanceOf(SendAsSettingsException.class);
        probe.probeOutcome = new RelayOutcome.Delivered();
        probe.codeOutcome = new RelayOutcome.Refused("550 no", java.util.Optional.of(550));
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret")))
            .isInstanceOf(SendAsSettingsException.class);
        probe.probeOutcome = new RelayOutcome.Unreachable("connection refused", java.util.Optional.empty());
        assertThatThrownBy(() -> settings.test(Actor.ADMIN, ALICE, ADDRESS)).isInstanceOf(SendAsSettingsException.class);

        assertThat(events()).extracting(SettingsEvent::actor, SettingsEvent::type, SettingsEvent::detail).containsExactly(
            tuple(Actor.USER, Type.RELAY_TESTED, "smtp.partner.test:587 STARTTLS: failed, AUTH rejected (the relay refused the username and password or OAuth token, or the OAuth provider refused the grant)"),
            tuple(Actor.USER, Type.RELAY_TESTED, "smtp.partner.test:587 STARTTLS: ok"),
            tuple(Actor.USER, Type.SEND_AS_ADDED, "smtp.partner.test:587 STARTTLS, username alice; status pending"),
            tuple(Actor.USER, Type.VERIFICATION_CODE_MAILED, "failed, refused (the relay did not accept the mail)"),
            tuple(Actor.ADMIN, Type.RELAY_TESTED, "smtp.partner.test:587 STARTTLS: failed, unreachable (no SMTP session could be opened to the relay)"));
        assertThat(events()).allSatisfy(event -> assertThat(event.detail()).doesNotContain("535").doesNotContain("550"));
    }

    @Test
    void refusalsRecordNothing() {
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, vouched("smtp.partner.test", 587, "alice", "secret")))
            .isInstanceOf(io.github.outboundrelay.core.InvalidFieldException.class);
        assertThatThrownBy(() -> settings.test(Actor.USER, ALICE, ADDRESS)).isInstanceOf(SendAsSettingsException.class);
        assertThat(settings.remove(Actor.USER, ALICE, ADDRESS)).isFalse();

        assertThat(events()).isEmpty();
    }

    @Test
    void aResentCodeATestAndARemovalAreRecorded() {
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));
        int seen = events().size();

        settings.resendCode(Actor.ADMIN, ALICE, ADDRESS);
        settings.test(Actor.USER, ALICE, ADDRESS);
        settings.remove(Actor.ADMIN, ALICE, ADDRESS);

        assertThat(eventsAfter(seen)).extracting(SettingsEvent::actor, SettingsEvent::type).containsExactly(
            tuple(Actor.ADMIN, Type.VERIFICATION_CODE_MAILED),
            tuple(Actor.USER, Type.RELAY_TESTED),
            tuple(Actor.ADMIN, Type.SEND_AS_REMOVED));
    }

    @Test
    void takingOverAnExpiredPendingEntryNamesThePreviousOwner() {
        settings.save(Actor.USER, BOB, ADDRESS, request("smtp.bob.test", 587, "bob", "bobs-secret"));
        clock.advance(Duration.ofHours(25));
        int seen = events().size();

        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        assertThat(eventsAfter(seen)).extracting(SettingsEvent::type, SettingsEvent::user, SettingsEvent::detail).containsExactly(
            tuple(Type.RELAY_TESTED, Optional.of(ALICE), "smtp.partner.test:587 STARTTLS: ok"),
            tuple(Type.SEND_AS_TAKEN_OVER, Optional.of(ALICE), "from bob@ourdomain.test, whose pending entry had no valid code any more"),
            tuple(Type.SEND_AS_ADDED, Optional.of(ALICE), "smtp.partner.test:587 STARTTLS, username alice; status pending"),
            tuple(Type.VERIFICATION_CODE_MAILED, Optional.of(ALICE), "sent"));
    }

    @Test
    void aPolicyChangeTellsOldAndNewValuesAndANoOpRecordsNothing() {
        int seen = events().size();
        DomainPolicySettings policySettings = new DomainPolicySettings(policies, events);

        policySettings.set(Actor.ADMIN, new DomainRelayPolicy(OURDOMAIN, true, true));
        policySettings.set(Actor.ADMIN, new DomainRelayPolicy(OURDOMAIN, true, true));
        policySettings.set(Actor.ADMIN, new DomainRelayPolicy(OURDOMAIN, false, false));

        assertThat(eventsAfter(seen)).extracting(SettingsEvent::actor, SettingsEvent::type, SettingsEvent::domain, SettingsEvent::user,
            SettingsEvent::detail).containsExactly(
            tuple(Actor.ADMIN, Type.DOMAIN_POLICY_CHANGED, Optional.of(OURDOMAIN), Optional.empty(),
                "allowed true -> true, allowInsecure false -> true, allowAlternateAddresses true -> true, checkDmarc true -> true"),
            tuple(Actor.ADMIN, Type.DOMAIN_POLICY_CHANGED, Optional.of(OURDOMAIN), Optional.empty(),
                "allowed true -> false, allowInsecure true -> false, allowAlternateAddresses true -> true, checkDmarc true -> true"));
        assertThat(policies.get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, false, false));
    }

    @Test
    void aStoreFailureNeverFailsTheChange() {
        SettingsEvents failing = new SettingsEvents(new InMemorySettingsEventLog() {
            @Override
            public synchronized void record(SettingsEvent event) {
                throw new IllegalStateException("down");
            }
        }, clock);

        new DomainPolicySettings(policies, failing).set(Actor.ADMIN, new DomainRelayPolicy(OURDOMAIN, false));

        assertThat(policies.get(OURDOMAIN).relayAllowed()).isFalse();
    }

    /** The events of the steps after the first {@code seen} ones. */
    private List<SettingsEvent> eventsAfter(int seen) {
        List<SettingsEvent> all = events();
        return all.subList(seen, all.size());
    }

    private List<SettingsEvent> events() {
        return log.find(Optional.empty(), Instant.EPOCH, 0, 1000);
    }

    private static SendAsRequest vouched(String host, int port, String username, String password) {
        return new SendAsRequest(new RelayServer(host, port, RelaySecurity.STARTTLS), username, Optional.of(password),
            Optional.of(true));
    }
}
