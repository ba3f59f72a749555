package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.james.core.Domain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsRegistryContract;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.StoreUnavailableException;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * PostgreSQL stops under two nodes: their views keep answering, writes fail with {@link StoreUnavailableException};
 * once it is back, writes work again and reach the other node.
 */
class PostgresqlOutageTest {
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");
    static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dataDirectory;

    StoppablePostgresql postgres;
    JdbcOutboundRelayStore nodeA;
    JdbcOutboundRelayStore nodeB;

    @AfterEach
    void tearDown() throws IOException {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void viewsKeepAnsweringWritesFailClearlyAndEverythingWorksAgainWhenPostgresqlIsBack() throws Exception {
        postgres = StoppablePostgresql.start(dataDirectory);
        JdbcStoreConfiguration database = postgres.freshDatabase();
        nodeA = JdbcOutboundRelayStore.open(database);
        nodeB = JdbcOutboundRelayStore.open(database);
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        nodeA.sendAsRegistry().register(alice);
        new SendAsVerifier(nodeA.verifications()).saved(alice, true);
        nodeA.domainRelayPolicies().set(new DomainRelayPolicy(OURDOMAIN, true));
        Eventually.await(PATIENCE, () -> nodeB.domainRelayPolicies().isRelayAllowed(OURDOMAIN));

        postgres.stop();
        Eventually.await(PATIENCE, () -> !nodeA.isDatabaseReachable() && !nodeB.isDatabaseReachable());

        // reads: the last known view, on both nodes
        for (JdbcOutboundRelayStore node : new JdbcOutboundRelayStore[] {nodeA, nodeB}) {
            assertThat(node.sendAsRegistry().find(SendAsRegistryContract.address("alice@partner.test"))).isPresent();
            assertThat(node.sendAsRegistry().listOwnedBy(SendAsRegistryContract.ALICE)).hasSize(1);
            assertThat(node.domainRelayPolicies().isRelayAllowed(OURDOMAIN)).isTrue();
            assertThat(new SendAsVerifier(node.verifications()).isVerified(alice)).isTrue();
        }
        // writes: a clear, specific failure, within the connection timeout, and nothing changed in the view
        long start = System.nanoTime();
        assertThatThrownBy(() -> nodeA.domainRelayPolicies().set(new DomainRelayPolicy(OURDOMAIN, false)))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("unavailable");
        assertThatThrownBy(() -> nodeA.sendAsRegistry().register(SendAsRegistryContract.sendAs("new@partner.test", SendAsRegistryContract.ALICE)))
            .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> nodeB.sendAsRegistry().remove(SendAsRegistryContract.ALICE, SendAsRegistryContract.address("alice@partner.test")))
            .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> new SendAsVerifier(nodeB.verifications()).forget(alice))
            .isInstanceOf(StoreUnavailableException.class);
        System.out.printf("OUTAGE: four refused writes took %d ms in all (connection timeout 1000 ms)%n",
            Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertThat(nodeA.domainRelayPolicies().isRelayAllowed(OURDOMAIN)).isTrue();
        assertThat(nodeA.sendAsRegistry().find(SendAsRegistryContract.address("new@partner.test"))).isEmpty();
        assertThat(new SendAsVerifier(nodeB.verifications()).isVerified(alice)).isTrue();

        // PostgreSQL comes back on the same data: nothing was lost, writes work and propagate again
        postgres.restart();
        Eventually.await(PATIENCE, () -> nodeA.isDatabaseReachable() && nodeB.isDatabaseReachable());
        nodeA.sendAsRegistry().register(SendAsRegistryContract.sendAs("new@partner.test", SendAsRegistryContract.ALICE,
            "smtp.partner.test", RelaySecurity.SMTPS));
        nodeA.domainRelayPolicies().set(new DomainRelayPolicy(OURDOMAIN, false));
        long propagationStart = System.nanoTime();
        Eventually.await(PATIENCE, () -> nodeB.sendAsRegistry().find(SendAsRegistryContract.address("new@partner.test")).isPresent()
            && !nodeB.domainRelayPolicies().isRelayAllowed(OURDOMAIN));
        Duration propagation = Duration.ofNanos(System.nanoTime() - propagationStart);
        System.out.printf("OUTAGE: after PostgreSQL restarted, node B saw node A's writes in %d ms%n", propagation.toMillis());
        assertThat(propagation).isLessThan(Duration.ofSeconds(1));
        assertThat(nodeB.sendAsRegistry().find(SendAsRegistryContract.address("alice@partner.test"))).isPresent();

        try (JdbcOutboundRelayStore freshNode = JdbcOutboundRelayStore.open(database)) {
            assertThat(freshNode.sendAsRegistry().listOwnedBy(SendAsRegistryContract.ALICE)).hasSize(2);
            assertThat(freshNode.domainRelayPolicies().isRelayAllowed(OURDOMAIN)).isFalse();
            assertThat(new SendAsVerifier(freshNode.verifications()).isVerified(alice)).isTrue();
        }
    }
}
