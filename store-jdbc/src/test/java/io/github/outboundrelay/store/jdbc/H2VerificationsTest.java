package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsRegistryContract;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.github.outboundrelay.core.verification.Verifications;
import io.github.outboundrelay.core.verification.VerificationsContract;

class H2VerificationsTest implements VerificationsContract {
    @TempDir
    Path folder;
    JdbcOutboundRelayStore store;

    @BeforeEach
    void setUp() {
        store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Override
    public Verifications verifications() {
        return store.verifications();
    }

    @Test
    void removingTheAddressFromTheRegistryRemovesItsVerificationSoThatRegisteringItAgainStartsPending() {
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        SendAsVerifier verifier = new SendAsVerifier(store.verifications());
        store.sendAsRegistry().register(alice);
        verifier.saved(alice, true);
        assertThat(verifier.isVerified(alice)).isTrue();

        store.sendAsRegistry().remove(SendAsRegistryContract.ALICE, alice.address());

        assertThat(store.verifications().get(alice.key())).isEmpty();
        store.sendAsRegistry().register(alice);
        assertThat(verifier.isVerified(alice)).isFalse();
        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            assertThat(reopened.verifications().get(alice.key())).isEmpty();
        }
    }

    @Test
    void aRemovalRefusedToAnotherUserKeepsTheVerification() {
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        store.sendAsRegistry().register(alice);
        store.verifications().put(alice.key(), VerificationsContract.verified("smtp.partner.test|alice@partner.test"));

        assertThat(store.sendAsRegistry().remove(SendAsRegistryContract.BOB, alice.address())).isFalse();

        assertThat(store.verifications().get(alice.key())).isPresent();
    }

    @Test
    void forgettingAnUnknownStateUsesNoVersion() {
        long before = store.seenVersion();

        store.verifications().remove("nobody@partner.test");

        assertThat(store.seenVersion()).isEqualTo(before);
    }

    @Test
    void aStateIsReadBackFromTheDatabaseNotOnlyFromTheWritersMemory() {
        store.verifications().put(ALICE_KEY, VerificationsContract.pendingWithCode(RELAY, 1, List.of(T0, T0.plusSeconds(5))));

        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            assertThat(reopened.verifications().get(ALICE_KEY))
                .contains(VerificationsContract.pendingWithCode(RELAY, 1, List.of(T0, T0.plusSeconds(5))));
        }
    }
}
