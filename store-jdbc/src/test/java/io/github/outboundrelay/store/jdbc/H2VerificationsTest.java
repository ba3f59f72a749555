package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.store.Verifications;
import io.github.outboundrelay.core.store.VerificationsContract;
import io.github.outboundrelay.core.verification.SendAsVerifier;

class H2VerificationsTest implements VerificationsContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.h2();

    @Override
    public Verifications verifications() {
        return stores.store().verifications();
    }

    @Test
    void removingTheAddressFromTheRegistryRemovesItsVerificationSoThatRegisteringItAgainStartsPending() {
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        SendAsVerifier verifier = new SendAsVerifier(stores.store().verifications());
        stores.store().sendAsRegistry().register(alice);
        verifier.saved(alice, true);
        assertThat(verifier.isVerified(alice)).isTrue();

        stores.store().sendAsRegistry().remove(SendAsRegistryContract.ALICE, alice.address());

        assertThat(stores.store().verifications().get(alice.key())).isEmpty();
        stores.store().sendAsRegistry().register(alice);
        assertThat(verifier.isVerified(alice)).isFalse();
        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(stores.folder()))) {
            assertThat(reopened.verifications().get(alice.key())).isEmpty();
        }
    }

    @Test
    void aRemovalRefusedToAnotherUserKeepsTheVerification() {
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        stores.store().sendAsRegistry().register(alice);
        stores.store().verifications().put(alice.key(), VerificationsContract.verified("smtp.partner.test|alice@partner.test"));

        assertThat(stores.store().sendAsRegistry().remove(SendAsRegistryContract.BOB, alice.address())).isFalse();

        assertThat(stores.store().verifications().get(alice.key())).isPresent();
    }

    @Test
    void forgettingAnUnknownStateUsesNoVersion() {
        long before = stores.store().seenVersion();

        stores.store().verifications().remove("nobody@partner.test");

        assertThat(stores.store().seenVersion()).isEqualTo(before);
    }

    @Test
    void aStateIsReadBackFromTheDatabaseNotOnlyFromTheWritersMemory() {
        stores.store().verifications().put(ALICE_KEY, VerificationsContract.pendingWithCode(RELAY, 1, List.of(T0, T0.plusSeconds(5))));

        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(stores.folder()))) {
            assertThat(reopened.verifications().get(ALICE_KEY))
                .contains(VerificationsContract.pendingWithCode(RELAY, 1, List.of(T0, T0.plusSeconds(5))));
        }
    }
}
