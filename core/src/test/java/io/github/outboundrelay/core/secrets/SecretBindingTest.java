package io.github.outboundrelay.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.UnaryOperator;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;

/**
 * Security review, finding 11: a sealed secret is bound to everything it may be used with, so a store row changed
 * behind the application's back (another host, another owner) does not hand the password over.
 */
class SecretBindingTest {
    private static final SecretSealer SEALER = new AesGcmSecretSealer(Map.of("k1", new SecretKeySpec(new byte[32], "AES")), "k1");
    private static final Username ALICE = Username.of("alice@ourdomain.test");
    private static final RelayServer RELAY = new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS);

    private final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    private final RelayLogins logins = new RelayLogins(SEALER, registry, new InMemoryOAuthProviders());

    private static SendAsAddress alice() throws Exception {
        return SendAsAddress.withPassword(new MailAddress("alice@partner.test"), ALICE, RELAY, "alice", "relay-password", SEALER);
    }

    private static SendAsAddress changed(SendAsAddress sendAs, String field) throws Exception {
        return switch (field) {
            case "owner" -> new SendAsAddress(sendAs.address(), Username.of("bob@ourdomain.test"), sendAs.requireRelayAccount().server(),
                sendAs.requireRelayAccount().username(), sendAs.requireRelayAccount().credential());
            case "address" -> new SendAsAddress(new MailAddress("bob@partner.test"), sendAs.owner(), sendAs.requireRelayAccount().server(),
                sendAs.requireRelayAccount().username(), sendAs.requireRelayAccount().credential());
            case "host" -> withRelay(sendAs, relay -> new RelayServer("trap.example", relay.port(), relay.security()));
            case "port" -> withRelay(sendAs, relay -> new RelayServer(relay.host(), 2525, relay.security()));
            case "security" -> withRelay(sendAs, relay -> new RelayServer(relay.host(), relay.port(), RelaySecurity.NONE));
            case "username" -> new SendAsAddress(sendAs.address(), sendAs.owner(), sendAs.requireRelayAccount().server(), "mallory", sendAs.requireRelayAccount().credential());
            default -> throw new IllegalArgumentException(field);
        };
    }

    private static SendAsAddress withRelay(SendAsAddress sendAs, UnaryOperator<RelayServer> change) {
        return new SendAsAddress(sendAs.address(), sendAs.owner(), change.apply(sendAs.requireRelayAccount().server()), sendAs.requireRelayAccount().username(),
            sendAs.requireRelayAccount().credential());
    }

    @Test
    void aPasswordOpensForTheEntryItWasSealedFor() throws Exception {
        assertThat(logins.loginFor(alice())).isEqualTo(new RelayLogin.WithPassword("relay-password"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"owner", "address", "host", "port", "security", "username"})
    void aPasswordDoesNotOpenOnceTheEntryNamesAnotherOwnerOrRelayAccount(String field) throws Exception {
        SendAsAddress moved = changed(alice(), field);

        assertThatThrownBy(() -> logins.loginFor(moved))
            .isInstanceOfSatisfying(RelayLogins.UnusableCredentialException.class,
                e -> assertThat(e.field()).isEqualTo("password"));
    }

    @Test
    void aRefreshTokenIsBoundToItsOwnerProviderAndAccountButNotToTheProvidersRelay() throws Exception {
        MailAddress address = new MailAddress("alice@partner.test");
        String context = RelayCredential.OAuth.contextFor(ALICE, SendAsKey.of(address), "m365", "alice@partner.test");
        SendAsAddress sendAs = new SendAsAddress(address, ALICE, RELAY, "alice@partner.test",
            new RelayCredential.OAuth("m365", SEALER.seal("refresh", context)));

        // The token only goes to the provider's token endpoint: the admin may move the provider's relay.
        SendAsAddress relayMoved = withRelay(sendAs, relay -> new RelayServer("smtp2.partner.test", 587, RelaySecurity.STARTTLS));
        assertThat(SEALER.open(relayMoved.requireRelayAccount().credential().secret(), relayMoved.requireRelayAccount().credential().sealingContext(relayMoved))).isEqualTo("refresh");
        for (SendAsAddress moved : new SendAsAddress[] {changed(sendAs, "owner"), changed(sendAs, "username"),
            sendAs.withCredential(new RelayCredential.OAuth("google", sendAs.requireRelayAccount().credential().secret()))}) {
            assertThatThrownBy(() -> SEALER.open(moved.requireRelayAccount().credential().secret(), moved.requireRelayAccount().credential().sealingContext(moved)))
                .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void contextsOfDifferentFieldsNeverCollide() {
        // Without length prefixes, "a/b" + "c" and "a" + "b/c" would be one context.
        assertThat(RelayCredential.OAuth.contextFor(Username.of("a"), "b/c", "p", "u"))
            .isNotEqualTo(RelayCredential.OAuth.contextFor(Username.of("a/b"), "c", "p", "u"));
        assertThat(RelayCredential.OAuth.contextFor(ALICE, "alice@partner.test", "p", "u"))
            .isNotEqualTo(RelayCredential.Password.contextFor(ALICE, "alice@partner.test", RELAY, "u"));
    }

    @Test
    void theUpgradeBindsSecretsSealedForTheirAddressOnlyOnceAndLeavesTheRestAlone() throws Exception {
        SendAsAddress bound = alice();
        SendAsAddress legacyPassword = SendAsAddress.withPassword(new MailAddress("bob@partner.test"), Username.of("bob@ourdomain.test"),
            RELAY, "bob", "unused", SEALER).withRelayPassword(SEALER.seal("bob-password", "bob@partner.test"));
        SendAsAddress legacyOAuth = new SendAsAddress(new MailAddress("carol@partner.test"), Username.of("carol@ourdomain.test"),
            RELAY, "carol@partner.test", new RelayCredential.OAuth("m365", SEALER.seal("carol-refresh", "oauth-refresh:carol@partner.test")));
        SendAsAddress unopenable = legacyPassword.withRelayPassword(new SealedSecret("gone", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"));
        SendAsAddress unopenableDan = new SendAsAddress(new MailAddress("dan@partner.test"), Username.of("dan@ourdomain.test"),
            RELAY, "dan", unopenable.requireRelayAccount().credential());
        for (SendAsAddress sendAs : new SendAsAddress[] {bound, legacyPassword, legacyOAuth, unopenableDan}) {
            registry.register(sendAs);
        }

        assertThat(SecretBindingUpgrade.run(registry, SEALER)).isEqualTo(2);

        assertThat(registry.find(bound.address()).orElseThrow()).isEqualTo(bound);
        assertThat(logins.loginFor(registry.find(legacyPassword.address()).orElseThrow()))
            .isEqualTo(new RelayLogin.WithPassword("bob-password"));
        SendAsAddress carol = registry.find(legacyOAuth.address()).orElseThrow();
        assertThat(SEALER.open(carol.requireRelayAccount().credential().secret(), carol.requireRelayAccount().credential().sealingContext(carol))).isEqualTo("carol-refresh");
        assertThat(registry.find(unopenableDan.address()).orElseThrow()).isEqualTo(unopenableDan);
        // Run again (the next start, another node): nothing left to do.
        assertThat(SecretBindingUpgrade.run(registry, SEALER)).isZero();
    }
}
