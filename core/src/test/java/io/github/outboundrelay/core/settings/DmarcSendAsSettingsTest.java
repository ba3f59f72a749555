package io.github.outboundrelay.core.settings;

import static io.github.outboundrelay.core.settings.SendAsSettingsTest.ADDRESS;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.ALICE;
import static io.github.outboundrelay.core.settings.SendAsSettingsTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.dmarc.DmarcPolicies;
import io.github.outboundrelay.core.dmarc.DmarcPolicy;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * The DMARC check in the settings flow (issue 26), with the policies of the address's domain given by the test (the
 * DNS side is DnsDmarcPoliciesTest's, against dnsmasq).
 */
class DmarcSendAsSettingsTest {
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");
    static final Domain PARTNER = Domain.of("partner.test");

    /** What DNS says, per domain; nothing: no record. */
    static class GivenPolicies implements DmarcPolicies {
        final Map<Domain, DmarcPolicy> policies = new HashMap<>();
        int lookups;

        @Override
        public DmarcPolicy lookup(Domain domain) {
            lookups++;
            return policies.getOrDefault(domain, DmarcPolicy.NO_RECORD);
        }

        @Override
        public DmarcPolicy known(Domain domain) {
            return policies.getOrDefault(domain, DmarcPolicy.NO_RECORD);
        }
    }

    InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
    SendAsSettingsTest.MutableClock clock = new SendAsSettingsTest.MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications(), clock);
    SendAsSettingsTest.RecordingProbe probe = new SendAsSettingsTest.RecordingProbe();
    InMemorySettingsEventLog log = new InMemorySettingsEventLog();
    SettingsEvents events = new SettingsEvents(log, clock);
    GivenPolicies dns = new GivenPolicies();
    DmarcCheck check = new DmarcCheck(dns, policies, log, events);
    SendAsSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        DomainList domainList = mock(DomainList.class);
        when(domainList.containsDomain(any())).thenAnswer(call -> OURDOMAIN.equals(call.getArgument(0)));
        SecretSealer sealer = new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k");
        settings = new SendAsSettings(registry, policies, domainList, sealer, verifier, probe, new InMemoryOAuthProviders(),
            new AccessTokenCache(new OAuthTokenClient(sealer, OAuthEndpointPolicy.httpsOnly(), Duration.ofSeconds(30), clock),
                clock, AccessTokenCache.DEFAULT_MARGIN), events, clock, Optional.of(check));
    }

    @Test
    void rejectRefusesAnAddressWithoutRelayNamingThePolicyAndWhatToDo() {
        dns.policies.put(PARTNER, DmarcPolicy.REJECT);
        policies.set(new DomainRelayPolicy(OURDOMAIN, true));

        assertThatThrownBy(() -> settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay()))
            .isInstanceOfSatisfying(SendAsSettingsException.class, refused -> {
                assertThat(refused.kind()).isEqualTo(Kind.OTHER_DOMAIN_REJECTS);
                assertThat(refused.field()).contains("host");
                assertThat(refused.getMessage()).isEqualTo(
                    "partner.test asks receivers to reject mail not sent by its own servers: add its SMTP server");
            });
        assertThat(registry.findOwnedBy(ALICE, ADDRESS)).isEmpty();
        assertThat(probe.calls).as("no code mailed").isEmpty();
    }

    @Test
    void whereRelaysAreNotAllowedTheRefusalIsAboutTheAddressAndSaysWhoCanAllowThem() {
        dns.policies.put(PARTNER, DmarcPolicy.REJECT);

        assertThatThrownBy(() -> settings.save(Actor.ADMIN, ALICE, ADDRESS, withoutRelay()))
            .isInstanceOfSatisfying(SendAsSettingsException.class, refused -> {
                assertThat(refused.field()).contains("address");
                assertThat(refused.getMessage()).startsWith("partner.test asks receivers to reject mail not sent by its own "
                    + "servers: its SMTP server is needed, and the administrator of ourdomain.test has not allowed");
            });
    }

    @Test
    void rejectAcceptsTheAddressWithItsRelay() {
        dns.policies.put(PARTNER, DmarcPolicy.REJECT);
        policies.set(new DomainRelayPolicy(OURDOMAIN, true));

        SendAsView saved = settings.save(Actor.USER, ALICE, ADDRESS, request("smtp.partner.test", 587, "alice", "secret"));

        assertThat(saved.status()).isEqualTo("pending");
        assertThat(saved.dmarcPolicy()).as("its relay sends its mail: DMARC aligns").isNull();
        assertThat(saved.dmarcWarning()).isNull();
    }

    @Test
    void quarantineIsAcceptedWithAWarningAndRecorded() {
        dns.policies.put(PARTNER, DmarcPolicy.QUARANTINE);

        SendAsView saved = settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay());

        assertThat(saved.dmarcPolicy()).isEqualTo("quarantine");
        assertThat(saved.dmarcWarning()).startsWith("partner.test asks receivers to treat mail not sent by its own servers as spam");
        assertThat(settings.get(ALICE, ADDRESS).dmarcWarning()).isEqualTo(saved.dmarcWarning());
        assertThat(log.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(event -> event.type().label() + ": " + event.detail())
            .contains("dmarc-policy-checked: quarantine");
    }

    @Test
    void aLookupThatFailedIsAcceptedAndMarkedUnknown() {
        dns.policies.put(PARTNER, DmarcPolicy.UNKNOWN);

        SendAsView saved = settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay());

        assertThat(saved.dmarcPolicy()).isEqualTo("unknown");
        assertThat(saved.dmarcWarning()).contains("checked again later");
    }

    @Test
    void noneAndNoRecordAreAcceptedWithoutWarning() {
        dns.policies.put(PARTNER, DmarcPolicy.NONE);

        SendAsView saved = settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay());

        assertThat(saved.dmarcPolicy()).isEqualTo("none");
        assertThat(saved.dmarcWarning()).isNull();
    }

    @Test
    void theCheckTurnedOffLooksNothingUp() {
        dns.policies.put(PARTNER, DmarcPolicy.REJECT);
        policies.set(DomainRelayPolicy.defaultFor(OURDOMAIN).withDmarcCheck(false));

        SendAsView saved = settings.save(Actor.USER, ALICE, ADDRESS, withoutRelay());

        assertThat(saved.status()).isEqualTo("pending");
        assertThat(saved.dmarcPolicy()).isNull();
        assertThat(dns.lookups).isZero();
    }

    @Test
    void aPolicyThatHardensAfterRegistrationIsShownAndToldOnceAcrossNodes() {
        dns.policies.put(PARTNER, DmarcPolicy.NONE);
        settings.save(Actor.ADMIN, ALICE, ADDRESS, SendAsRequest.withoutRelay(Optional.of(true), Optional.empty()));
        assertThat(check.toTellOnce(registry.findOwnedBy(ALICE, ADDRESS).orElseThrow())).isEmpty();

        dns.policies.put(PARTNER, DmarcPolicy.REJECT);

        SendAsView view = settings.get(ALICE, ADDRESS);
        assertThat(view.path()).as("mail keeps flowing the current way").isEqualTo("ourServers");
        assertThat(view.dmarcPolicy()).isEqualTo("reject");
        assertThat(view.dmarcWarning()).startsWith("partner.test now asks receivers to reject mail not sent by its own servers");
        var alice = registry.findOwnedBy(ALICE, ADDRESS).orElseThrow();
        assertThat(check.toTellOnce(alice)).contains(DmarcPolicy.REJECT);
        assertThat(check.toTellOnce(alice)).isEmpty();
        assertThat(new DmarcCheck(dns, policies, log, events).toTellOnce(alice))
            .as("another node (or after a restart) reads what was told in the audit trail").isEmpty();

        dns.policies.put(PARTNER, DmarcPolicy.QUARANTINE);
        assertThat(check.toTellOnce(alice)).as("not stricter than what they were told").isEmpty();
        assertThat(log.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(event -> event.type().label())
            .containsOnlyOnce("dmarc-policy-hardened");
    }

    private static SendAsRequest withoutRelay() {
        return SendAsRequest.withoutRelay(Optional.empty(), Optional.empty());
    }
}
