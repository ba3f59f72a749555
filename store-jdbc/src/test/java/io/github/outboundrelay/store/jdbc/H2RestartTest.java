package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.Domain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.verification.SendAsStatus;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.github.outboundrelay.core.verification.Verification;

class H2RestartTest {
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");

    @TempDir
    Path folder;

    @Test
    void everythingIsThereAfterClosingAndReopeningTheSameFile() {
        SendAsAddress alice = withDisplayName(SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE,
            "smtp.partner.test", RelaySecurity.SMTPS), "Alice at Partner");
        SendAsAddress bob = SendAsRegistryContract.sendAs("bob@partner.test", SendAsRegistryContract.BOB);
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            store.sendAsRegistry().register(alice);
            store.sendAsRegistry().register(bob);
            store.sendAsRegistry().register(SendAsRegistryContract.sendAs("gone@partner.test", SendAsRegistryContract.BOB));
            store.sendAsRegistry().remove(SendAsRegistryContract.BOB, SendAsRegistryContract.address("gone@partner.test"));
            store.domainRelayPolicies().set(new DomainRelayPolicy(OURDOMAIN, true, true));
        }
        String bobCode;
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            // Alice's address verified (an admin vouched), Bob's pending with a code mailed
            SendAsVerifier verifier = new SendAsVerifier(store.verifications());
            assertThat(verifier.saved(alice, true)).isEqualTo(SendAsStatus.VERIFIED);
            assertThat(verifier.saved(bob, false)).isEqualTo(SendAsStatus.PENDING);
            bobCode = verifier.issueCode(bob);
            assertThat(store.seenVersion()).isEqualTo(8);
        }

        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            assertThat(reopened.sendAsRegistry().find(SendAsRegistryContract.address("alice@partner.test"))).contains(alice);
            assertThat(reopened.sendAsRegistry().listOwnedBy(SendAsRegistryContract.BOB)).containsExactly(bob);
            assertThat(reopened.domainRelayPolicies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, true, true));
            assertThat(reopened.seenVersion()).isEqualTo(8);

            // Alice's address still relays; Bob's code, mailed before the restart, still confirms his
            SendAsVerifier verifier = new SendAsVerifier(reopened.verifications());
            assertThat(verifier.isVerified(alice)).isTrue();
            assertThat(verifier.isVerified(bob)).isFalse();
            Verification bobState = reopened.verifications().get(bob.key()).orElseThrow();
            assertThat(bobState.code()).isPresent();
            assertThat(bobState.codesSentAt()).hasSize(1);
            assertThat(verifier.confirm(bob, bobCode).outcome()).isEqualTo(SendAsVerifier.ConfirmOutcome.VERIFIED);

            // and the reopened store keeps writing after the versions it found
            reopened.domainRelayPolicies().set(new DomainRelayPolicy(OURDOMAIN, false, false));
            assertThat(reopened.seenVersion()).isEqualTo(10);
        }
        try (JdbcOutboundRelayStore reopenedAgain = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            assertThat(new SendAsVerifier(reopenedAgain.verifications()).isVerified(bob)).isTrue();
        }
    }

    @Test
    void aRefusedOAuthGrantIsStillMarkedAfterReopening() {
        SealedSecret refreshToken = new SealedSecret("k1", "cmVmcmVzaA==");
        SendAsAddress alice = new SendAsAddress(SendAsRegistryContract.address("alice@partner.test"), SendAsRegistryContract.ALICE,
            new io.github.outboundrelay.core.RelayServer("smtp.office365.test", 587, RelaySecurity.STARTTLS), "alice@partner.test",
            new RelayCredential.OAuth("m365", refreshToken));
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            store.sendAsRegistry().register(alice);
            store.sendAsRegistry().markReconnectNeeded(alice.key(), refreshToken, true);
        }

        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            assertThat(reopened.sendAsRegistry().find(alice.address()).orElseThrow().requireRelayAccount().credential())
                .isEqualTo(new RelayCredential.OAuth("m365", refreshToken, true));
        }
    }

    static SendAsAddress withDisplayName(SendAsAddress sendAs, String displayName) {
        return new SendAsAddress(sendAs.address(), sendAs.owner(), sendAs.requireRelayAccount().server(), sendAs.requireRelayAccount().username(),
            sendAs.requireRelayAccount().credential().secret(), java.util.Optional.of(displayName));
    }

    @Test
    void aCommittedWriteSurvivesKill9() throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), StoreWriterMain.class.getName(), folder.toString())
            .redirectErrorStream(true)
            .start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean written = false;
            while (!written && (line = output.readLine()) != null) {
                written = line.equals(StoreWriterMain.WRITTEN);
            }
            assertThat(written).as("the writer process reported its writes").isTrue();
            // SIGKILL right after the writes returned: no shutdown hook, no close.
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            assertThat(reopened.sendAsRegistry().find(SendAsRegistryContract.address("alice@partner.test"))).isPresent();
            assertThat(reopened.domainRelayPolicies().isRelayAllowed(OURDOMAIN)).isTrue();
            assertThat(new SendAsVerifier(reopened.verifications())
                .isVerified(SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE))).isTrue();
        }
    }
}
