package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnector;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * The rules of the one settings flow, whatever the surface; the relay itself is tried for real in the integration
 * tests (SendAsVerificationIntegrationTest), here a probe records what it was asked.
 */
class SendAsSettingsTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");
    static final MailAddress ADDRESS = address("alice@partner.test");

    InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
    InMemoryVerifications verifications = new InMemoryVerifications();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    SendAsVerifier verifier = new SendAsVerifier(verifications, clock);
    RecordingProbe probe = new RecordingProbe();
    SendAsSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
        settings = settingsOver(registry, policies, verifier, probe,
            new SettingsEvents(new io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog(), clock), clock);
    }

    /** The flow over these stores, with ourdomain.test as our only domain and {@code probe} as the running mailet's. */
    static SendAsSettings settingsOver(InMemorySendAsRegistry registry, InMemoryDomainRelayPolicies policies,
                                       SendAsVerifier verifier, RelayConnector probe, SettingsEvents events, Clock clock)
            throws Exception {
        DomainList domainList = mock(DomainList.class);
        when(domainList.containsDomain(any())).thenAnswer(call -> Domain.of("ourdomain.test").equals(call.getArgument(0)));
        return new SendAsSettings(registry, policies, domainList,
            new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k"), verifier, probe, events, clock);
    }

    @Test
    void savingTriesTheRelayAndMailsACodeAddressStaysPending() {
        SendAsView view = settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        assertThat(view.status()).isEqualTo("pending");
        assertThat(probe.calls).containsExactly("probe alice@partner.test secret", "code alice@partner.test");
        assertThat(settings.list(ALICE)).containsExactly(view);
    }

    @Test
    void anOAuthAddressIsTriedWithItsGrantBeforeItIsStoredAndKeptOnAnUpdateOfTheSameAccount() {
        AesGcmSecretSealer sealer = new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k");
        io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders providers = new io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders();
        io.github.outboundrelay.core.oauth.OAuthProvider provider = new io.github.outboundrelay.core.oauth.OAuthProvider("m365",
            java.net.URI.create("https://login.partner.test/authorize"), java.net.URI.create("https://login.partner.test/token"),
            Optional.empty(), "app", Optional.empty(), List.of("SMTP.Send", "offline_access"), Map.of(),
            new RelayServer("smtp.office365.test", 587, RelaySecurity.STARTTLS));
        providers.save(provider);
        DomainList domainList = mock(DomainList.class);
        SendAsSettings oauthSettings = new SendAsSettings(registry, policies, domainList, sealer, verifier, probe, providers,
            new io.github.outboundrelay.core.oauth.AccessTokenCache(new io.github.outboundrelay.core.oauth.OAuthTokenClient(
                sealer, io.github.outboundrelay.core.oauth.OAuthEndpointPolicy.httpsOnly(), java.time.Duration.ofSeconds(1), clock),
                clock, java.time.Duration.ofMinutes(2)),
            new SettingsEvents(new io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog(), clock), clock);

        SendAsView view = oauthSettings.saveOAuth(Actor.ADMIN, ALICE, ADDRESS, provider, "alice@partner.test",
            "refresh-token-1", Optional.empty(), Optional.empty());

        assertThat(view.credential()).isEqualTo("oauth");
        assertThat(view.provider()).isEqualTo("m365");
        assertThat(view.passwordSet()).isFalse();
        assertThat(view.host()).isEqualTo("smtp.office365.test");
        assertThat(view.status()).isEqualTo("pending");
        assertThat(probe.calls).containsExactly("probe alice@partner.test alice@partner.test via m365", "code alice@partner.test");
        io.github.outboundrelay.core.SendAsAddress stored = registry.find(ADDRESS).orElseThrow();
        assertThat(sealer.open(stored.requireRelayAccount().credential().secret(), stored.requireRelayAccount().credential().sealingContext(stored))).isEqualTo("refresh-token-1");

        // A PUT without a password for the same relay account keeps the grant.
        SendAsView updated = oauthSettings.save(Actor.ADMIN, ALICE, ADDRESS,
            request("smtp.office365.test", 587, "alice@partner.test", null));
        assertThat(updated.credential()).isEqualTo("oauth");
        assertThat(registry.find(ADDRESS).orElseThrow().requireRelayAccount().credential()).isEqualTo(stored.requireRelayAccount().credential());
    }

    @Test
    void aPutNamingAProviderIsRefusedPointingAtTheDeviceRoute() {
        assertThatThrownBy(() -> SendAsRequest.parse(
                "{\"provider\": \"m365\", \"host\": \"smtp.office365.com\", \"port\": 587, \"security\": \"STARTTLS\", \"username\": \"a\"}"))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'provider' is not set with PUT")
            .hasMessageContaining("oauth/device");
    }

    @Test
    void aUserMayNotVouchNamingTheVerifiedField() {
        SendAsRequest vouching = new SendAsRequest(new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS),
            "alice", Optional.of("secret"), Optional.of(true));

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, vouching))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'verified'");
        assertThat(registry.listOwnedBy(ALICE)).isEmpty();
        assertThat(probe.calls).isEmpty();
    }

    @Test
    void anAdminMayVouchWithoutRelayTestOrCode() {
        SendAsRequest vouching = new SendAsRequest(new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS),
            "alice", Optional.of("secret"), Optional.of(true));

        assertThat(settings.save(Actor.ADMIN, ALICE, ADDRESS, vouching).status()).isEqualTo("verified");
        assertThat(probe.calls).isEmpty();
    }

    @Test
    void anAddressOfAnotherUserIsAConflictAndInvisibleToHim() {
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        assertThatThrownBy(() -> settings.save(Actor.USER, BOB, ADDRESS, request("smtp.partner.test", 587, "alice", "secret")))
            .isInstanceOfSatisfying(SendAsSettingsException.class, e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.CONFLICT));
        assertThatThrownBy(() -> settings.get(BOB, ADDRESS))
            .isInstanceOfSatisfying(SendAsSettingsException.class, e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.NOT_FOUND));
    }

    @Test
    void theRightCodeVerifies() {
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        assertThatThrownBy(() -> settings.confirm(Actor.USER, ALICE, ADDRESS, "AAAA-AAAA-AAAA-AAAA"))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'code'");
        assertThat(settings.confirm(Actor.USER, ALICE, ADDRESS, probe.lastCode).status()).isEqualTo("verified");
    }

    @Test
    void theDisplayNameIsSavedShownAndChangedWithoutThePasswordNorANewCode() {
        SendAsRequest named = SendAsRequest.parse("""
            {"host":"smtp.partner.test","port":587,"security":"STARTTLS","username":"alice","password":"secret",
             "verified":true,"displayName":"Alice Martin"}""");
        assertThat(settings.save(Actor.ADMIN, ALICE, ADDRESS, named).displayName()).isEqualTo("Alice Martin");

        SendAsRequest renamed = SendAsRequest.parse("""
            {"host":"smtp.partner.test","port":587,"security":"STARTTLS","username":"alice","displayName":"Alice M. (Partner)"}""");
        SendAsView view = settings.save(Actor.USER, ALICE, ADDRESS, renamed);

        assertThat(view.displayName()).isEqualTo("Alice M. (Partner)");
        assertThat(view.status()).isEqualTo("verified");
        assertThat(registry.findOwnedBy(ALICE, ADDRESS).orElseThrow().displayName()).contains("Alice M. (Partner)");
        assertThat(probe.calls).noneMatch(call -> call.startsWith("code"));
    }

    @Test
    void aBadDisplayNameIs400NamingItAndNothingIsSavedNorTried() {
        assertThatThrownBy(() -> SendAsRequest.parse("""
            {"host":"smtp.partner.test","port":587,"security":"STARTTLS","username":"alice","password":"secret","displayName":7}"""))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'displayName'");
        SendAsRequest injected = new SendAsRequest(new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS),
            "alice", Optional.of("secret"), Optional.empty(), Optional.of("Alice\r\nBcc: x@elsewhere.test"));

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, injected))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'displayName'");
        assertThat(registry.listOwnedBy(ALICE)).isEmpty();
        assertThat(probe.calls).isEmpty();
    }

    @Test
    void anAddressInOneOfOurDomainsIsRefusedNamingTheAddress() {
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, address("alias@ourdomain.test"),
            request("smtp.partner.test", 587, "alice", "secret")))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'address'");
    }

    @ParameterizedTest
    @CsvSource({
        "smtp.trap.test, 587, STARTTLS, alice",
        "smtp.partner.test, 2587, STARTTLS, alice",
        "smtp.partner.test, 465, SMTPS, alice",
        "smtp.partner.test, 587, STARTTLS, someone-else"})
    void aNewRelayAccountWithoutThePasswordIs400NamingPasswordAndNothingIsTried(String host, int port, String security,
                                                                                String username) {
        settings.save(Actor.ADMIN, ALICE, ADDRESS, new SendAsRequest(new RelayServer("smtp.partner.test", 587,
            RelaySecurity.STARTTLS), "alice", Optional.of("secret"), Optional.of(true)));
        SendAsRequest moved = new SendAsRequest(new RelayServer(host, port, RelaySecurity.parse("security", security)),
            username, Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, moved))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'password'");
        assertThat(probe.calls).isEmpty();
        assertThat(settings.get(ALICE, ADDRESS).host()).isEqualTo("smtp.partner.test");
    }

    @Test
    void aPasswordOnlyChangeKeepsTheAddressVerified() {
        settings.save(Actor.ADMIN, ALICE, ADDRESS, new SendAsRequest(new RelayServer("smtp.partner.test", 587,
            RelaySecurity.STARTTLS), "alice", Optional.of("secret"), Optional.of(true)));

        SendAsView view = settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "new-secret"));

        assertThat(view.status()).isEqualTo("verified");
        assertThat(probe.calls).containsExactly("probe alice@partner.test new-secret");
    }

    @Test
    void theSameRelayAccountWithoutPasswordKeepsTheStoredOne() {
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", null));

        assertThat(probe.calls).filteredOn(call -> call.startsWith("probe"))
            .containsExactly("probe alice@partner.test secret", "probe alice@partner.test secret");
    }

    @Test
    void aPendingEntryWhoseCodeExpiredNoLongerHoldsTheAddress() {
        settings.save(Actor.USER, BOB, ADDRESS, request("smtp.bob.test", 587, "bob", "bobs-secret"));
        clock.advance(Duration.ofHours(23));
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret")))
            .isInstanceOfSatisfying(SendAsSettingsException.class, e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.CONFLICT));

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        SendAsView alices = settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        assertThat(alices.status()).isEqualTo("pending");
        assertThat(settings.list(BOB)).isEmpty();
        assertThat(settings.get(ALICE, ADDRESS).host()).isEqualTo("smtp.partner.test");
        assertThat(settings.confirm(Actor.USER, ALICE, ADDRESS, probe.lastCode).status()).isEqualTo("verified");
    }

    @Test
    void aVerifiedEntryOfAnotherUserHoldsTheAddressForever() {
        settings.save(Actor.ADMIN, BOB, ADDRESS, new SendAsRequest(new RelayServer("smtp.bob.test", 587,
            RelaySecurity.STARTTLS), "bob", Optional.of("bobs-secret"), Optional.of(true)));
        clock.advance(Duration.ofDays(30));

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret")))
            .isInstanceOfSatisfying(SendAsSettingsException.class, e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.CONFLICT));
        assertThat(probe.calls).isEmpty();
    }

    @Test
    void writesNeedTheDomainToAllowAlternateAddressesReadsAndRemovalDoNot() {
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, false, false));
        probe.calls.clear();

        for (Actor actor : List.of(Actor.USER, Actor.ADMIN)) {
            assertDomainNotAllowed(() -> settings.save(actor, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret")));
            assertDomainNotAllowed(() -> settings.save(actor, ALICE, ADDRESS, SendAsRequest.withoutRelay(Optional.empty(), Optional.empty())));
            assertDomainNotAllowed(() -> settings.resendCode(actor, ALICE, ADDRESS));
            assertDomainNotAllowed(() -> settings.confirm(actor, ALICE, ADDRESS, probe.lastCode));
            assertDomainNotAllowed(() -> settings.test(actor, ALICE, ADDRESS));
        }
        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, SendAsRequest.withoutRelay(Optional.empty(), Optional.empty())))
            .hasMessage("Alternate addresses are turned off for ourdomain.test: its administrator does not allow users to "
                + "send mail as their other addresses");
        assertThat(probe.calls).isEmpty();
        assertThat(settings.get(ALICE, ADDRESS).status()).isEqualTo("pending");
        assertThat(settings.get(ALICE, ADDRESS).path()).isEqualTo("none");
        assertThat(settings.get(ALICE, ADDRESS).pathReason()).isEqualTo("alternateAddressesOff");
        assertThat(settings.list(ALICE)).hasSize(1);
        assertThat(settings.remove(Actor.USER, ALICE, ADDRESS)).isTrue();
    }

    @Test
    void whileRelaysAreOffARelayCannotBeSavedNorTestedButTheAddressKeepsWorkingThroughOurServers() {
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));
        settings.confirm(Actor.USER, ALICE, ADDRESS, probe.lastCode);
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false));
        probe.calls.clear();

        for (Actor actor : List.of(Actor.USER, Actor.ADMIN)) {
            assertDomainNotAllowed(() -> settings.save(actor, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret")));
            assertDomainNotAllowed(() -> settings.test(actor, ALICE, ADDRESS));
        }
        assertThat(probe.calls).isEmpty();
        SendAsView stored = settings.get(ALICE, ADDRESS);
        assertThat(stored.host()).as("the relay stays stored, unused").isEqualTo("smtp.partner.test");
        assertThat(stored.path()).isEqualTo("ourServers");
        assertThat(stored.pathReason()).isEqualTo("relaysOff");

        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
        assertThat(settings.get(ALICE, ADDRESS).path()).as("used again once relays are back").isEqualTo("relay");
    }

    private static void assertDomainNotAllowed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SendAsSettingsException.class,
            e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.DOMAIN_NOT_ALLOWED));
    }

    @Test
    void aStoredPasswordThatNoLongerOpensIsAskedForAgainNamingPassword() {
        SendAsRequest vouching = new SendAsRequest(new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS),
            "alice", Optional.of("secret"), Optional.of(true));
        settings.save(Actor.ADMIN, ALICE, ADDRESS, vouching);
        SendAsAddress stored = registry.find(ADDRESS).orElseThrow();
        registry.register(new SendAsAddress(ADDRESS, ALICE, stored.requireRelayAccount().server(), "alice",
            new io.github.outboundrelay.core.secrets.SealedSecret("lost-key", stored.requireRelayAccount().credential().secret().sealed())));

        assertThatThrownBy(() -> settings.test(Actor.USER, ALICE, ADDRESS))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'password'");
    }

    @Test
    void theDailyCapOnCodeMailsToAnAddressDoesNotResetWhenTheRelayChanges() {
        settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));
        for (int i = 0; i < 4; i++) {
            settings.resendCode(Actor.USER, ALICE, ADDRESS);
        }

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.elsewhere.test", 587, "alice", "secret")))
            .isInstanceOfSatisfying(SendAsSettingsException.class,
                e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.TOO_MANY_REQUESTS));
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(settings.resendCode(Actor.USER, ALICE, ADDRESS).status()).isEqualTo("pending");
    }

    @Test
    void relayTestsAreLimitedPerUserWhateverTheHost() {
        for (int i = 0; i < SettingsRateLimits.PROBES_PER_USER_PER_HOUR; i++) {
            settings.save(Actor.ADMIN, ALICE, address("alice" + i + "@partner.test"), new SendAsRequest(
                new RelayServer("smtp" + i + ".partner.test", 587, RelaySecurity.STARTTLS), "alice", Optional.of("secret"),
                Optional.of(true)));
            settings.test(Actor.USER, ALICE, address("alice" + i + "@partner.test"));
        }

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, address("alice-new@partner.test"),
            request("smtp.new.test", 587, "alice", "secret")))
            .isInstanceOfSatisfying(SendAsSettingsException.class,
                e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.TOO_MANY_REQUESTS))
            .hasMessageContaining("relay tests per hour for alice@ourdomain.test");
        assertThat(probe.calls).hasSize(SettingsRateLimits.PROBES_PER_USER_PER_HOUR);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        settings.test(Actor.USER, ALICE, address("alice0@partner.test"));
    }

    @Test
    void relayTestsAreLimitedPerRelayHostWhoeverAsks() {
        for (int i = 0; i <= SettingsRateLimits.PROBES_PER_RELAY_HOST_PER_HOUR; i++) {
            Username user = Username.of("user" + i + "@ourdomain.test");
            MailAddress target = address("user" + i + "@victim.test");
            settings.save(Actor.ADMIN, user, target, new SendAsRequest(new RelayServer("smtp.victim.test", 587,
                RelaySecurity.STARTTLS), "guess" + i, Optional.of("password" + i), Optional.of(true)));
            if (i < SettingsRateLimits.PROBES_PER_RELAY_HOST_PER_HOUR) {
                settings.test(Actor.USER, user, target);
            } else {
                assertThatThrownBy(() -> settings.test(Actor.USER, user, target))
                    .isInstanceOfSatisfying(SendAsSettingsException.class,
                        e -> assertThat(e.kind()).isEqualTo(SendAsSettingsException.Kind.TOO_MANY_REQUESTS))
                    .hasMessageContaining("relay tests per hour to smtp.victim.test");
            }
        }
    }

    @Test
    void aRequestNeverPrintsItsPassword() {
        assertThat(request("smtp.partner.test", 587, "alice", "s3cr3t-Pa55").toString())
            .doesNotContain("s3cr3t-Pa55").contains("****");
    }

    static SendAsRequest request(String host, int port, String username, String password) {
        return new SendAsRequest(new RelayServer(host, port, RelaySecurity.STARTTLS), username,
            Optional.ofNullable(password), Optional.empty());
    }

    static MailAddress address(String address) {
        try {
            return new MailAddress(address);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Every relay works; it records what it was asked and keeps the last code. */
    static class RecordingProbe implements RelayConnector {
        final List<String> calls = new ArrayList<>();
        String lastCode;
        /** Whether the last code was handed a relay login (could go through the relay), or only the address. */
        boolean lastCodeCouldUseRelay;
        /** relay.verificationMail=relay: codes may go through the relays. */
        boolean codesThroughRelays = true;

        @Override
        public boolean mailsCodesThroughRelays() {
            return codesThroughRelays;
        }

        @Override
        public void checkTarget(RelayServer relay) {
        }

        @Override
        public io.github.outboundrelay.core.RelayOutcome probe(SendAsAddress sendAs, RelayLogin login) {
            calls.add("probe " + sendAs.address().asString() + " " + (login instanceof RelayLogin.WithPassword password
                ? password.password() : ((RelayLogin.WithOAuth) login).grant().key()));
            return new io.github.outboundrelay.core.RelayOutcome.Delivered();
        }

        @Override
        public io.github.outboundrelay.core.RelayOutcome sendVerificationCode(SendAsAddress sendAs, java.util.Optional<RelayLogin> login, String code) {
            calls.add("code " + sendAs.address().asString());
            lastCode = code;
            lastCodeCouldUseRelay = login.isPresent();
            return new io.github.outboundrelay.core.RelayOutcome.Delivered();
        }
    }
}
