package io.github.outboundrelay.core.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.utils.PropertiesProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

class DeletedUserSweepTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");

    final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    final InMemoryVerifications verifications = new InMemoryVerifications();
    final SendAsVerifier verifier = new SendAsVerifier(verifications);
    final InMemorySettingsEventLog events = new InMemorySettingsEventLog();
    final UsersRepository users = mock(UsersRepository.class);
    final AccessTokenCache tokens = new AccessTokenCache(new OAuthTokenClient(new AesGcmSecretSealer(Map.of("k",
        new SecretKeySpec(new byte[32], "AES")), "k"), OAuthEndpointPolicy.httpsOnly(), Duration.ofSeconds(1), Clock.systemUTC()),
        Clock.systemUTC(), AccessTokenCache.DEFAULT_MARGIN);
    DeletedUserSweep sweep;

    @BeforeEach
    void setUp() throws Exception {
        sweep = new DeletedUserSweep(registry, verifications, users, new SettingsEvents(events), tokens, Duration.ofHours(1));
    }

    @Test
    void aDeletedUsersAddressesAndVerificationsAreRemovedAndRecorded() throws Exception {
        SendAsAddress alice = verified("alice@partner.test", ALICE);
        SendAsAddress bob = verified("bob@partner.test", BOB);
        when(users.contains(ALICE)).thenReturn(false);
        when(users.contains(BOB)).thenReturn(true);

        assertThat(sweep.sweep()).isEqualTo(1);

        assertThat(registry.listOwnedBy(ALICE)).isEmpty();
        assertThat(verifications.get(alice.key())).isEmpty();
        assertThat(registry.listOwnedBy(BOB)).containsExactly(bob);
        assertThat(verifier.isVerified(bob)).isTrue();
        assertThat(events.find(Optional.of(ALICE), Instant.EPOCH, 0, 10)).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(SettingsEvent.Type.SEND_AS_REMOVED);
            assertThat(event.actor()).isEqualTo(Actor.ADMIN);
            assertThat(event.sendAs()).contains(alice.address());
            assertThat(event.detail()).contains("no longer exists");
        });
    }

    @Test
    void aRecreatedUsernameFindsNoVerifiedAddressOfTheOldAccount() throws Exception {
        SendAsAddress old = verified("alice@partner.test", ALICE);
        when(users.contains(ALICE)).thenReturn(false);
        sweep.sweep();

        // Re-created, and registering the same address again: it starts pending, not verified.
        when(users.contains(ALICE)).thenReturn(true);
        registry.register(old);

        assertThat(verifier.isVerified(old)).isFalse();
    }

    @Test
    void existingUsersAreLeftAlone() throws Exception {
        verified("alice@partner.test", ALICE);
        when(users.contains(ALICE)).thenReturn(true);

        assertThat(sweep.sweep()).isZero();
        assertThat(registry.all()).hasSize(1);
        assertThat(events.find(Optional.empty(), Instant.EPOCH, 0, 10)).isEmpty();
    }

    @Test
    void theIntervalIsReadFromOutboundRelayPropertiesWithAnHourByDefault() throws Exception {
        assertThat(DeletedUserSweep.interval(properties(null))).isEqualTo(Duration.ofHours(1));
        assertThat(DeletedUserSweep.interval(properties("2 seconds"))).isEqualTo(Duration.ofSeconds(2));
        PropertiesProvider missing = mock(PropertiesProvider.class);
        when(missing.getConfiguration("outbound-relay")).thenThrow(new java.io.FileNotFoundException("outbound-relay"));
        assertThat(DeletedUserSweep.interval(missing)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aBadIntervalIsAnErrorNamingTheKey() {
        assertThatThrownBy(() -> DeletedUserSweep.interval(properties("soon")))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("deletedUserSweep.interval");
        assertThatThrownBy(() -> DeletedUserSweep.interval(properties("0 seconds")))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("deletedUserSweep.interval");
    }

    private static PropertiesProvider properties(String interval) throws Exception {
        BaseConfiguration configuration = new BaseConfiguration();
        if (interval != null) {
            configuration.addProperty(DeletedUserSweep.INTERVAL_KEY, interval);
        }
        PropertiesProvider provider = mock(PropertiesProvider.class);
        when(provider.getConfiguration("outbound-relay")).thenReturn(configuration);
        return provider;
    }

    private SendAsAddress verified(String address, Username owner) throws Exception {
        SendAsAddress sendAs = new SendAsAddress(new MailAddress(address), owner,
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS), address, new SealedSecret("k1", "c2VhbGVk"));
        registry.register(sendAs);
        verifier.saved(sendAs, true);
        return sendAs;
    }
}
