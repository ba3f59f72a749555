package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.james.core.Domain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.store.StoreUnavailableException;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * PostgreSQL stops under two nodes: their views keep answering, writes fail with {@link StoreUnavailableException};
 * once it is back, writes work again and reach the other node.
 *
 * <p>Propagation after the outage is timed in wall time, so it is measured on several writes: {@link #BOUND} holds for
 * the median (one stall of a loaded machine cannot decide it), and every write must reach node B within
 * {@link #ceiling}, a poll interval plus slack, which a node whose poller did not survive the outage is far past.
 */
class PostgresqlOutageTest {
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");
    static final Duration PATIENCE = Duration.ofSeconds(20);
    /** How soon a write on one node must be honoured by the other (as PostgresqlPropagationTest): on the median write. */
    static final Duration BOUND = Duration.ofSeconds(1);
    static final int FLIPS_AFTER_THE_OUTAGE = 4;

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
        List<Duration> propagations = new ArrayList<>();
        propagations.add(propagationToNodeB(
            () -> nodeA.sendAsRegistry().register(SendAsRegistryContract.sendAs("new@partner.test", SendAsRegistryContract.ALICE,
                "smtp.partner.test", RelaySecurity.SMTPS)),
            () -> nodeB.sendAsRegistry().find(SendAsRegistryContract.address("new@partner.test")).isPresent()));
        // Policy flips for the median; the policy ends off.
        for (int flip = 0; flip <= FLIPS_AFTER_THE_OUTAGE; flip++) {
            boolean allowed = flip % 2 == 1;
            propagations.add(propagationToNodeB(() -> nodeA.domainRelayPolicies().set(new DomainRelayPolicy(OURDOMAIN, allowed)),
                () -> nodeB.domainRelayPolicies().isRelayAllowed(OURDOMAIN) == allowed));
        }
        List<Duration> sorted = propagations.stream().sorted().toList();
        Duration median = sorted.get(sorted.size() / 2);
        System.out.printf("OUTAGE: after PostgreSQL restarted, node B saw node A's %d writes in %s ms: median %d ms, max %d ms"
                + " (bound %d ms on the median, ceiling %d ms on each)%n", propagations.size(),
            propagations.stream().map(propagation -> String.valueOf(propagation.toMillis())).toList(), median.toMillis(),
            sorted.get(sorted.size() - 1).toMillis(), BOUND.toMillis(), ceiling(database).toMillis());
        assertThat(median).as("median of %s", propagations).isLessThan(BOUND);
        assertThat(propagations).allSatisfy(propagation -> assertThat(propagation).isLessThan(ceiling(database)));
        assertThat(nodeB.sendAsRegistry().find(SendAsRegistryContract.address("alice@partner.test"))).isPresent();

        try (JdbcOutboundRelayStore freshNode = JdbcOutboundRelayStore.open(database)) {
            assertThat(freshNode.sendAsRegistry().listOwnedBy(SendAsRegistryContract.ALICE)).hasSize(2);
            assertThat(freshNode.domainRelayPolicies().isRelayAllowed(OURDOMAIN)).isFalse();
            assertThat(new SendAsVerifier(freshNode.verifications()).isVerified(alice)).isTrue();
        }
    }

    /**
     * The time from node A's write returning (committed) until node B's in-memory view shows it, as node B's matcher
     * reads it.
     */
    private static Duration propagationToNodeB(Runnable writeOnNodeA, BooleanSupplier seenOnNodeB) throws InterruptedException {
        writeOnNodeA.run();
        long committed = System.nanoTime();
        Eventually.await(PATIENCE, seenOnNodeB);
        return Duration.ofNanos(System.nanoTime() - committed);
    }

    /**
     * The most any one write may take to reach node B: its poll interval plus slack for a loaded machine (a GC pause, a
     * starved poller thread). A poller that stopped during the outage never gets there (PATIENCE fails it first).
     */
    private static Duration ceiling(JdbcStoreConfiguration database) {
        return database.pollInterval().plus(Duration.ofSeconds(3));
    }
}
