package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayHealthCheck;
import io.github.outboundrelay.core.RelayOutcome.Kind;
import io.github.outboundrelay.core.store.RelayAttemptLogContract;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import reactor.core.publisher.Mono;

/**
 * Two stores on one PostgreSQL, as two James nodes: each node's audit API, domain overview and health check see the
 * attempts of both as soon as the recording node has written them (its writer batches them within milliseconds; the
 * tests wait for that with {@code awaitRecorded}, as a node's own reads do).
 */
class PostgresqlRelayAttemptSharingTest {
    @RegisterExtension
    final TwoNodes nodes = new TwoNodes();

    @Test
    void eachNodeSeesTheOtherNodesAttempts() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RelayAttempt onA = RelayAttemptLogContract.attempt(now.minusSeconds(2), RelayAttemptLogContract.ALICE, "alice@partner.test",
            Kind.DEFERRED);
        RelayAttempt onB = RelayAttemptLogContract.attempt(now.minusSeconds(1), RelayAttemptLogContract.ALICE, "alice@partner.test",
            Kind.DELIVERED);
        RelayAttempt bobOnA = RelayAttemptLogContract.attempt(now, RelayAttemptLogContract.BOB, "bob@partner.test");

        nodes.a().relayAttemptLog().record(onA);
        nodes.a().relayAttemptLog().awaitRecorded();
        assertThat(nodes.b().relayAttemptLog().find(Optional.empty(), Instant.EPOCH, 0, 100)).containsExactly(onA);
        assertThat(nodes.b().relayAttemptLog().latestFor(SendAsRegistryContract.address("alice@partner.test"))).contains(onA);

        nodes.b().relayAttemptLog().record(onB);
        nodes.a().relayAttemptLog().record(bobOnA);
        nodes.a().relayAttemptLog().awaitRecorded();
        nodes.b().relayAttemptLog().awaitRecorded();
        for (JdbcOutboundRelayStore node : new JdbcOutboundRelayStore[] {nodes.a(), nodes.b()}) {
            assertThat(node.relayAttemptLog().find(Optional.empty(), Instant.EPOCH, 0, 100)).containsExactly(onA, onB, bobOnA);
            assertThat(node.relayAttemptLog().find(Optional.of(RelayAttemptLogContract.ALICE), Instant.EPOCH, 0, 100))
                .containsExactly(onA, onB);
            assertThat(node.relayAttemptLog().latestFor(SendAsRegistryContract.address("ALICE@partner.test"))).contains(onB);
        }
    }

    @Test
    void aRelayFailingOnEveryNodeDegradesTheHealthCheckOfEachNode() {
        Instant now = Instant.now();
        nodes.a().relayAttemptLog().record(new RelayAttempt(now.minusSeconds(60), RelayAttemptLogContract.ALICE,
            SendAsRegistryContract.address("alice@partner.test"), "smtp.down.test", 587, "<1@ourdomain.test>", 1,
            Kind.UNREACHABLE, Optional.empty()));
        nodes.b().relayAttemptLog().record(new RelayAttempt(now.minusSeconds(30), RelayAttemptLogContract.ALICE,
            SendAsRegistryContract.address("alice@partner.test"), "smtp.down.test", 587, "<2@ourdomain.test>", 1,
            Kind.UNREACHABLE, Optional.empty()));
        nodes.a().relayAttemptLog().awaitRecorded();
        nodes.b().relayAttemptLog().awaitRecorded();

        for (JdbcOutboundRelayStore node : new JdbcOutboundRelayStore[] {nodes.a(), nodes.b()}) {
            RelayHealthCheck check = new RelayHealthCheck(node.relayAttemptLog(), Clock.fixed(now, ZoneOffset.UTC),
                Duration.ofMinutes(15));
            assertThat(Mono.from(check.check()).block().getCause()).get().asString()
                .contains("smtp.down.test:587").contains("2 attempt(s)");
        }
    }
}
