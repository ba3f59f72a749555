package io.github.outboundrelay.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.secrets.SealedSecret;

/**
 * What every {@link SendAsRegistry} must do, James style: an implementation's test implements this interface and
 * gives a fresh, empty registry per test. Published in core's test-jar for the other stores.
 */
public interface SendAsRegistryContract {
    Username ALICE = Username.of("alice@ourdomain.test");
    Username BOB = Username.of("bob@ourdomain.test");

    /** A new, empty registry for each test. */
    SendAsRegistry registry();

    static MailAddress address(String address) {
        try {
            return new MailAddress(address);
        } catch (AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static SendAsAddress sendAs(String address, Username owner) {
        return sendAs(address, owner, "smtp.partner.test", RelaySecurity.STARTTLS);
    }

    static SendAsAddress sendAs(String address, Username owner, String host, RelaySecurity security) {
        return new SendAsAddress(address(address), owner, new RelayServer(host, 587, security), address,
            new SealedSecret("k1", "c2VhbGVkLWJ5dGVz"));
    }

    static SendAsAddress oauthSendAs(String address, Username owner, String providerId, SealedSecret refreshToken) {
        return new SendAsAddress(address(address), owner, new RelayServer("smtp.office365.test", 587, RelaySecurity.STARTTLS),
            address, new RelayCredential.OAuth(providerId, refreshToken));
    }

    @Test
    default void theOwnerIndexFollowsEveryRegistrationChangeAndRemoval() {
        assertThat(registry().listOwnedBy(ALICE)).isEmpty();
        registry().register(sendAs("alice@partner.test", ALICE));
        registry().register(sendAs("alice@other.test", ALICE));
        registry().register(sendAs("bob@partner.test", BOB));
        SendAsAddress moved = sendAs("alice@partner.test", ALICE, "smtp.elsewhere.test", RelaySecurity.SMTPS);
        registry().register(moved);

        assertThat(OwnedSendAs.toList(registry().ownedByAuthenticatedName(ALICE.asString())))
            .containsExactlyInAnyOrderElementsOf(registry().listOwnedBy(ALICE));
        assertThat(registry().listOwnedBy(ALICE)).extracting(SendAsAddress::key).containsExactlyInAnyOrder("alice@partner.test", "alice@other.test");
        assertThat(registry().listOwnedBy(ALICE).stream().filter(sendAs -> sendAs.key().equals("alice@partner.test")).findFirst()
            .orElseThrow().requireRelayAccount().server().host()).isEqualTo("smtp.elsewhere.test");
        assertThat(registry().listOwnedBy(BOB)).extracting(SendAsAddress::key).containsExactly("bob@partner.test");

        registry().remove(BOB, address("alice@partner.test"));
        registry().remove(ALICE, address("alice@other.test"));
        assertThat(registry().listOwnedBy(ALICE)).extracting(SendAsAddress::key).containsExactly("alice@partner.test");
        registry().remove(ALICE, address("alice@partner.test"));
        assertThat(registry().listOwnedBy(ALICE)).isEmpty();
        assertThat(registry().listOwnedBy(BOB)).hasSize(1);
    }

    /**
     * The rule's probe by the name James recorded for the authenticated sender is exactly as strict as parsing it into
     * a {@link Username} first (the old way, beside it here): James's case rules, a domain-less name, names Username
     * refuses.
     */
    @Test
    default void anAuthenticatedNameFindsExactlyWhatItsUsernameFinds() {
        registry().register(sendAs("alice@partner.test", ALICE));
        registry().register(sendAs("kim@partner.test", Username.of("kim@ourdomain.test")));
        registry().register(sendAs("carol@partner.test", Username.of("carol")));
        java.util.Map<String, java.util.List<String>> expected = new java.util.LinkedHashMap<>();
        expected.put("alice@ourdomain.test", java.util.List.of("alice@partner.test"));
        expected.put("ALICE@OurDomain.TEST", java.util.List.of("alice@partner.test"));
        expected.put("alice@[ourdomain.test]", java.util.List.of("alice@partner.test"));
        expected.put("\u212Aim@ourdomain.test", java.util.List.of("kim@partner.test"));
        expected.put("carol", java.util.List.of("carol@partner.test"));
        expected.put("CAROL", java.util.List.of("carol@partner.test"));
        for (String none : new String[] {"alice", "carol@ourdomain.test", " alice@ourdomain.test", "alice@ourdomain.test ",
            "alice@@ourdomain.test", "alice@ourdomain.test@x.test", "@ourdomain.test", "alice@", "", "   ", "bob@ourdomain.test",
            "alice@ourdomain.test.", "alice@ourdomain.tes", "\u0130alice@ourdomain.test", "a".repeat(250) + "@ourdomain.test"}) {
            expected.put(none, java.util.List.of());
        }

        expected.forEach((name, keys) -> {
            java.util.List<String> found = OwnedSendAs.toList(registry().ownedByAuthenticatedName(name)).stream()
                .map(SendAsAddress::key).toList();
            java.util.List<String> byUsername;
            try {
                byUsername = registry().listOwnedBy(Username.of(name)).stream().map(SendAsAddress::key).toList();
            } catch (IllegalArgumentException refused) {
                byUsername = java.util.List.of();
            }
            assertThat(found).as(name).isEqualTo(keys).isEqualTo(byUsername);
        });
        assertThat(registry().ownedByAuthenticatedName(null)).isNull();
    }

    @Test
    default void theProbeHoldsEachAddressWithItsKeyThroughChanges() {
        registry().register(sendAs("Alice@Partner.test", ALICE));
        registry().register(sendAs("alice@other.test", ALICE));
        registry().register(sendAs("alice@partner.TEST", ALICE, "smtp.elsewhere.test", RelaySecurity.SMTPS));
        registry().remove(ALICE, address("alice@other.test"));

        OwnedSendAs owned = registry().ownedByAuthenticatedName("alice@ourdomain.test");
        assertThat(owned.next()).isNull();
        assertThat(owned.key()).isEqualTo("alice@partner.test").isEqualTo(owned.sendAs().key());
        assertThat(owned.sendAs().requireRelayAccount().server().host()).isEqualTo("smtp.elsewhere.test");
    }

    @Test
    default void anAddressWithoutRelayRoundTripsWithoutOne() {
        registry().register(SendAsAddress.withoutRelay(address("alice@partner.test"), ALICE, java.util.Optional.of("Alice")));

        SendAsAddress found = registry().find(address("alice@partner.test")).orElseThrow();
        assertThat(found.relayAccount()).isEmpty();
        assertThat(found.owner()).isEqualTo(ALICE);
        assertThat(found.displayName()).contains("Alice");
        assertThat(registry().listOwnedBy(ALICE)).containsExactly(found);
    }

    @Test
    default void aRelayIsAddedToAnAddressAndRemovedAgain() {
        registry().register(SendAsAddress.withoutRelay(address("alice@partner.test"), ALICE, java.util.Optional.empty()));
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().server().host())
            .isEqualTo("smtp.partner.test");
        registry().register(SendAsAddress.withoutRelay(address("alice@partner.test"), ALICE, java.util.Optional.empty()));
        assertThat(registry().find(address("alice@partner.test")).orElseThrow().relayAccount()).isEmpty();
    }

    @Test
    default void anAddressWithoutRelayHoldsItsAddressAgainstOtherUsers() {
        registry().register(SendAsAddress.withoutRelay(address("alice@partner.test"), ALICE, java.util.Optional.empty()));

        assertThatThrownBy(() -> registry().register(sendAs("alice@partner.test", BOB)))
            .isInstanceOf(SendAsRegistry.AddressOwnedByAnotherUserException.class);
        assertThat(registry().replaceSecret("alice@partner.test", new SealedSecret("k1", "c2VhbGVkLWJ5dGVz"),
            new SealedSecret("k2", "c2VhbGVkLWJ5dGVz"))).as("no secret to replace").isFalse();
    }

    @Test
    default void anOAuthCredentialIsKeptWithItsProvider() {
        SealedSecret refreshToken = new SealedSecret("k1", "cmVmcmVzaC10b2tlbg==");
        registry().register(oauthSendAs("alice@partner.test", ALICE, "microsoft365", refreshToken));

        assertThat(registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential())
            .isEqualTo(new RelayCredential.OAuth("microsoft365", refreshToken));
    }

    @Test
    default void aPasswordAddressChangedToOAuthAndBackKeepsTheLatestKind() {
        registry().register(sendAs("alice@partner.test", ALICE));
        registry().register(oauthSendAs("alice@partner.test", ALICE, "google", new SealedSecret("k1", "cmVmcmVzaA==")));
        assertThat(registry().find(address("alice@partner.test")).orElseThrow().usesOAuth()).isTrue();

        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential())
            .isEqualTo(new RelayCredential.Password(new SealedSecret("k1", "c2VhbGVkLWJ5dGVz")));
    }

    @Test
    default void aRefusedGrantIsMarkedOnlyWhileTheAddressHoldsItAndANewGrantClearsTheMark() {
        SealedSecret refused = new SealedSecret("k1", "cmVmdXNlZA==");
        registry().register(oauthSendAs("alice@partner.test", ALICE, "google", refused));

        assertThat(registry().markReconnectNeeded("alice@partner.test", new SealedSecret("k1", "b3RoZXI="), true)).isFalse();
        assertThat(registry().markReconnectNeeded("alice@partner.test", refused, true)).isTrue();
        assertThat(registry().markReconnectNeeded("alice@partner.test", refused, true)).isFalse();
        assertThat(registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential())
            .isEqualTo(new RelayCredential.OAuth("google", refused, true));
        // Sealed again under a new key: still the refused grant (the same grant id).
        String grantId = new RelayCredential.OAuth("google", refused).grantId();
        SealedSecret resealed = new SealedSecret("k2", "cmVmdXNlZA==");
        registry().replaceSecret("alice@partner.test", refused, resealed);
        assertThat(registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential())
            .isEqualTo(new RelayCredential.OAuth("google", resealed, true, grantId));
        // A refresh with it worked after all (on any node): no longer marked.
        assertThat(registry().markReconnectNeeded("alice@partner.test", resealed, false)).isTrue();
        assertThat(registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential())
            .isEqualTo(new RelayCredential.OAuth("google", resealed, false, grantId));

        registry().register(oauthSendAs("alice@partner.test", ALICE, "google", new SealedSecret("k2", "bmV3")));
        assertThat(registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential())
            .isEqualTo(new RelayCredential.OAuth("google", new SealedSecret("k2", "bmV3"), false));
        registry().register(sendAs("bob@partner.test", BOB));
        assertThat(registry().markReconnectNeeded("bob@partner.test", sendAs("bob@partner.test", BOB).requireRelayAccount().credential().secret(), true)).isFalse();
    }

    @Test
    default void replaceSecretStoresARotatedRefreshTokenOnlyOverTheOneItReplaces() {
        SealedSecret first = new SealedSecret("k1", "Zmlyc3Q=");
        SealedSecret rotated = new SealedSecret("k1", "cm90YXRlZA==");
        registry().register(oauthSendAs("alice@partner.test", ALICE, "google", first));

        assertThat(registry().replaceSecret("alice@partner.test", first, rotated)).isTrue();
        assertThat(registry().replaceSecret("alice@partner.test", first, new SealedSecret("k1", "c3RhbGU="))).isFalse();

        assertThat(registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential())
            .isEqualTo(new RelayCredential.OAuth("google", rotated, false, new RelayCredential.OAuth("google", first).grantId()));
    }

    /** Which connection of the account an address holds: kept through rotations and marks, another one when connected again. */
    @Test
    default void anOAuthGrantKeepsItsIdThroughRotationsAndMarksAndAnotherConnectionHasAnother() {
        SealedSecret first = new SealedSecret("k1", "Zmlyc3Q=");
        registry().register(new SendAsAddress(address("alice@partner.test"), ALICE, new RelayServer("smtp.office365.test", 587,
            RelaySecurity.STARTTLS), "alice@partner.test", new RelayCredential.OAuth("google", first, false, "grant-1")));
        SealedSecret rotated = new SealedSecret("k1", "cm90YXRlZA==");
        registry().replaceSecret("alice@partner.test", first, rotated);
        registry().markReconnectNeeded("alice@partner.test", rotated, true);

        assertThat(((RelayCredential.OAuth) registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential()).grantId())
            .isEqualTo("grant-1");

        registry().register(oauthSendAs("alice@partner.test", ALICE, "google", new SealedSecret("k1", "YWdhaW4=")));
        assertThat(((RelayCredential.OAuth) registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential()).grantId())
            .isNotEqualTo("grant-1").isEqualTo(new RelayCredential.OAuth("google", new SealedSecret("k1", "YWdhaW4=")).grantId());
    }

    @Test
    default void allListsEveryOwnersAddresses() {
        registry().register(sendAs("alice@partner.test", ALICE));
        registry().register(sendAs("alice2@partner.test", ALICE));
        registry().register(sendAs("bob@partner.test", BOB));
        registry().remove(ALICE, address("alice2@partner.test"));

        assertThat(registry().all()).extracting(SendAsAddress::key)
            .containsExactlyInAnyOrder("alice@partner.test", "bob@partner.test");
    }

    @Test
    default void findIsEmptyForAnUnknownAddress() {
        assertThat(registry().find(address("nobody@partner.test"))).isEmpty();
    }

    @Test
    default void registeredAddressIsFound() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().find(address("alice@partner.test")))
            .hasValueSatisfying(found -> {
                assertThat(found.address()).isEqualTo(address("alice@partner.test"));
                assertThat(found.owner()).isEqualTo(ALICE);
            });
    }

    @Test
    default void findIgnoresCase() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().find(address("ALICE@Partner.TEST"))).isPresent();
    }

    @Test
    default void addressRegisteredInUpperCaseIsFoundInLowerCase() {
        registry().register(sendAs("Alice@PARTNER.test", ALICE));

        assertThat(registry().find(address("alice@partner.test"))).isPresent();
    }

    @Test
    default void anIdnDomainIsOneAddressWhateverTheCaseOfItsAsciiForm() {
        // James 3.8.1's MailAddress takes IDN domains in their ASCII (punycode) form only; SendAsKey folds them.
        registry().register(sendAs("alice@xn--bcher-kva.example", ALICE));

        assertThat(registry().find(address("Alice@XN--BCHER-KVA.Example")))
            .hasValueSatisfying(found -> assertThat(found.address().asString()).isEqualTo("alice@xn--bcher-kva.example"));
    }

    @Test
    default void theKeyIsTheOneOfSendAsKey() {
        registry().register(sendAs("Alice@XN--BCHER-KVA.Example", ALICE));

        assertThat(registry().listOwnedBy(ALICE)).extracting(SendAsAddress::key)
            .containsExactly(SendAsKey.of("alice", "bücher.example"));
    }

    @Test
    default void registerReplacesTheAddressOfTheSameOwner() {
        registry().register(sendAs("alice@partner.test", ALICE, "old.partner.test", RelaySecurity.STARTTLS));
        registry().register(sendAs("alice@partner.test", ALICE, "new.partner.test", RelaySecurity.SMTPS));

        assertThat(registry().find(address("alice@partner.test")))
            .hasValueSatisfying(found -> assertThat(found.requireRelayAccount().server()).isEqualTo(new RelayServer("new.partner.test", 587, RelaySecurity.SMTPS)));
        assertThat(registry().listOwnedBy(ALICE)).hasSize(1);
    }

    @Test
    default void registerReplacesACaseVariantOfTheSameAddress() {
        registry().register(sendAs("alice@partner.test", ALICE, "old.partner.test", RelaySecurity.STARTTLS));
        registry().register(sendAs("ALICE@partner.test", ALICE, "new.partner.test", RelaySecurity.STARTTLS));

        assertThat(registry().listOwnedBy(ALICE)).singleElement()
            .satisfies(found -> assertThat(found.requireRelayAccount().server().host()).isEqualTo("new.partner.test"));
    }

    @Test
    default void registerByAnotherOwnerIsRefusedAndKeepsTheFirstRegistration() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThatThrownBy(() -> registry().register(sendAs("alice@partner.test", BOB, "bob.relay.test", RelaySecurity.SMTPS)))
            .isInstanceOf(SendAsRegistry.AddressOwnedByAnotherUserException.class);

        assertThat(registry().find(address("alice@partner.test")))
            .hasValueSatisfying(found -> {
                assertThat(found.owner()).isEqualTo(ALICE);
                assertThat(found.requireRelayAccount().server().host()).isEqualTo("smtp.partner.test");
            });
        assertThat(registry().listOwnedBy(BOB)).isEmpty();
    }

    @Test
    default void registerByAnotherOwnerIsRefusedForACaseVariantToo() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThatThrownBy(() -> registry().register(sendAs("Alice@Partner.Test", BOB)))
            .isInstanceOf(SendAsRegistry.AddressOwnedByAnotherUserException.class);
    }

    @Test
    default void removeForgetsTheAddress() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().remove(ALICE, address("alice@partner.test"))).isTrue();

        assertThat(registry().find(address("alice@partner.test"))).isEmpty();
        assertThat(registry().listOwnedBy(ALICE)).isEmpty();
    }

    @Test
    default void removeIgnoresCase() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().remove(ALICE, address("ALICE@PARTNER.TEST"))).isTrue();

        assertThat(registry().find(address("alice@partner.test"))).isEmpty();
    }

    @Test
    default void removeOfAnUnknownAddressReturnsFalse() {
        assertThat(registry().remove(ALICE, address("alice@partner.test"))).isFalse();
    }

    @Test
    default void removeByAnotherUserReturnsFalseAndKeepsTheAddress() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().remove(BOB, address("alice@partner.test"))).isFalse();

        assertThat(registry().find(address("alice@partner.test"))).isPresent();
    }

    @Test
    default void removedAddressCanBeRegisteredByAnotherUser() {
        registry().register(sendAs("alice@partner.test", ALICE));
        registry().remove(ALICE, address("alice@partner.test"));

        registry().register(sendAs("alice@partner.test", BOB));

        assertThat(registry().findOwnedBy(BOB, address("alice@partner.test"))).isPresent();
        assertThat(registry().findOwnedBy(ALICE, address("alice@partner.test"))).isEmpty();
    }

    @Test
    default void removeThenRegisterAgainWorks() {
        registry().register(sendAs("alice@partner.test", ALICE));
        registry().remove(ALICE, address("alice@partner.test"));
        registry().register(sendAs("alice@partner.test", ALICE, "again.partner.test", RelaySecurity.SMTPS));

        assertThat(registry().find(address("alice@partner.test")))
            .hasValueSatisfying(found -> assertThat(found.requireRelayAccount().server().host()).isEqualTo("again.partner.test"));
    }

    @Test
    default void listOwnedByReturnsOnlyThatUsersAddressesSortedByKey() {
        registry().register(sendAs("zed@partner.test", ALICE));
        registry().register(sendAs("alice@other.test", ALICE));
        registry().register(sendAs("bob@partner.test", BOB));

        assertThat(registry().listOwnedBy(ALICE))
            .extracting(SendAsAddress::key)
            .containsExactly("alice@other.test", "zed@partner.test");
        assertThat(registry().listOwnedBy(BOB))
            .extracting(SendAsAddress::key)
            .containsExactly("bob@partner.test");
    }

    @Test
    default void listOwnedByIsEmptyForAUserWithoutAddresses() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().listOwnedBy(Username.of("carol@ourdomain.test"))).isEmpty();
    }

    @Test
    default void findOwnedByChecksTheOwner() {
        registry().register(sendAs("alice@partner.test", ALICE));

        assertThat(registry().findOwnedBy(ALICE, address("alice@partner.test"))).isPresent();
        assertThat(registry().findOwnedBy(BOB, address("alice@partner.test"))).isEmpty();
    }

    @Test
    default void everyFieldRoundTripsAndTheSealedPasswordKeepsItsKeyId() {
        SendAsAddress registered = new SendAsAddress(address("Alice.Smith@Partner.test"), ALICE,
            new RelayServer("smtp.partner.test", 465, RelaySecurity.SMTPS), "alice.smith@partner.test",
            new SealedSecret("key-2024-a", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj"));

        registry().register(registered);

        assertThat(registry().find(address("alice.smith@partner.test"))).contains(registered);
        assertThat(registry().listOwnedBy(ALICE)).containsExactly(registered);
        SealedSecret password = registry().find(address("alice.smith@partner.test")).orElseThrow().requireRelayAccount().credential().secret();
        assertThat(password.keyId()).isEqualTo("key-2024-a");
        assertThat(password.sealed()).isEqualTo("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj");
    }

    @Test
    default void aPasswordSealedByTheRealSealerStillOpensAfterTheRoundTrip() {
        AesGcmSecretSealer sealer = new AesGcmSecretSealer(java.util.Map.of("k9",
            new javax.crypto.spec.SecretKeySpec(new byte[32], "AES")), "k9");
        SealedSecret sealed = sealer.seal("relay-password", "alice@partner.test");
        registry().register(new SendAsAddress(address("alice@partner.test"), ALICE,
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS), "alice", sealed));

        SealedSecret stored = registry().find(address("alice@partner.test")).orElseThrow().requireRelayAccount().credential().secret();

        assertThat(stored.keyId()).isEqualTo("k9");
        assertThat(sealer.open(stored, "alice@partner.test")).isEqualTo("relay-password");
    }

    @ParameterizedTest
    @EnumSource(RelaySecurity.class)
    default void everySecurityModeRoundTrips(RelaySecurity security) {
        registry().register(sendAs("alice@partner.test", ALICE, "smtp.partner.test", security));

        assertThat(registry().find(address("alice@partner.test")))
            .hasValueSatisfying(found -> assertThat(found.requireRelayAccount().server().security()).isEqualTo(security));
    }

    @Test
    default void aRelayGivenByIpv6LiteralAndAUnicodeUsernameRoundTrip() {
        SendAsAddress registered = new SendAsAddress(address("alice@partner.test"), ALICE,
            new RelayServer("2001:db8::25", 2525, RelaySecurity.STARTTLS), "élodie+relay@partner.test",
            new SealedSecret("k1", "c2VhbGVk"));

        registry().register(registered);

        assertThat(registry().find(address("alice@partner.test"))).contains(registered);
    }
}
