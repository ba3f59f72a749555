package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/** Who sends as what in a domain: by address, filtered by user and status, paged, with the count of all that match. */
class SendAsOverviewTest {
    static final Domain OURS = Domain.of("ourdomain.test");
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");
    static final Username CAROL = Username.of("carol@other.test");
    static final RelayServer RELAY = new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS);

    InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications(), new SendAsSettingsTest.MutableClock(Instant.parse("2026-11-28T10:00:00Z")));
    AesGcmSecretSealer sealer = new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k");
    SendAsOverview overview;

    @BeforeEach
    void setUp() throws Exception {
        InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
        policies.set(new DomainRelayPolicy(OURS, true));
        SendAsSettings settings = new SendAsSettings(registry, policies, mock(DomainList.class), sealer, verifier,
            new SendAsSettingsTest.RecordingProbe(), new SettingsEvents(new InMemorySettingsEventLog()));
        overview = new SendAsOverview(registry, settings);
        add(ALICE, "alice@partner.test", true);
        add(ALICE, "alice@b.test", false);
        add(BOB, "bob@partner.test", false);
        add(CAROL, "carol@partner.test", true);
        SendAsAddress oauth = new SendAsAddress(new MailAddress("bob@m365.test"), BOB, RELAY, "bob@m365.test",
            new RelayCredential.OAuth("m365", sealer.seal("x", "test"), true));
        registry.register(oauth);
        verifier.saved(oauth, true);
    }

    @Test
    void everyAddressOfTheDomainByAddressWithItsOwnerAndStatus() {
        SendAsOverview.Page page = overview.find(OURS, Optional.empty(), Optional.empty(), 0, 100);

        assertThat(page.total()).isEqualTo(4);
        assertThat(page.entries()).extracting(entry -> entry.sendAs().address(), entry -> entry.owner().asString(),
                entry -> entry.sendAs().status(), entry -> entry.sendAs().reconnectNeeded())
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("alice@b.test", "alice@ourdomain.test", "pending", false),
                org.assertj.core.groups.Tuple.tuple("alice@partner.test", "alice@ourdomain.test", "verified", false),
                org.assertj.core.groups.Tuple.tuple("bob@m365.test", "bob@ourdomain.test", "verified", true),
                org.assertj.core.groups.Tuple.tuple("bob@partner.test", "bob@ourdomain.test", "pending", false));
    }

    @Test
    void filteredByUserAndByStatusPagedWithTheCountOfAllThatMatch() {
        assertThat(overview.find(OURS, Optional.of(ALICE), Optional.empty(), 0, 100).entries())
            .extracting(entry -> entry.sendAs().address()).containsExactly("alice@b.test", "alice@partner.test");
        SendAsOverview.Page pending = overview.find(OURS, Optional.empty(), Optional.of(SendAsOverview.Status.PENDING), 1, 1);
        assertThat(pending.total()).isEqualTo(2);
        assertThat(pending.entries()).extracting(entry -> entry.sendAs().address()).containsExactly("bob@partner.test");
        assertThat(overview.find(OURS, Optional.empty(), Optional.of(SendAsOverview.Status.RECONNECT_NEEDED), 0, 10).entries())
            .extracting(entry -> entry.sendAs().address()).containsExactly("bob@m365.test");
        SendAsOverview.Page second = overview.find(OURS, Optional.empty(), Optional.empty(), 2, 2);
        assertThat(second.total()).isEqualTo(4);
        assertThat(second.entries()).extracting(entry -> entry.sendAs().address()).containsExactly("bob@m365.test", "bob@partner.test");
        assertThat(overview.find(OURS, Optional.empty(), Optional.empty(), 10, 2).entries()).isEmpty();
    }

    @Test
    void aStatusIsOneOfThreeWordsOrA400NamingIt() {
        assertThat(SendAsOverview.Status.parse("reconnect-needed")).isEqualTo(SendAsOverview.Status.RECONNECT_NEEDED);
        assertThatThrownBy(() -> SendAsOverview.Status.parse("lost")).isInstanceOf(InvalidFieldException.class)
            .hasMessageStartingWith("'status'");
    }

    private void add(Username owner, String address, boolean verified) throws Exception {
        SendAsAddress sendAs = new SendAsAddress(new MailAddress(address), owner, RELAY, address, sealer.seal("x", "test"));
        registry.register(sendAs);
        verifier.saved(sendAs, verified);
    }
}
