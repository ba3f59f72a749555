package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two stores on one PostgreSQL, as two James nodes: the per-user sending limit counts a user's mail whichever node
 * relays it, and two nodes counting at once never both admit the mail that crosses it.
 */
class PostgresqlRelaySendingLedgerTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");
    static final Duration WINDOW = Duration.ofHours(1);

    @RegisterExtension
    final TwoNodes nodes = new TwoNodes();

    @Test
    void theLimitCountsWhatEveryNodeRelayed() {
        Instant now = Instant.parse("2030-01-01T10:00:00Z");

        assertThat(nodes.a().sendingLedger().tryCount(ALICE, 2, 3, WINDOW, now)).isTrue();
        assertThat(nodes.b().sendingLedger().tryCount(ALICE, 1, 3, WINDOW, now.plusSeconds(1))).isTrue();
        assertThat(nodes.a().sendingLedger().tryCount(ALICE, 1, 3, WINDOW, now.plusSeconds(2))).as("2 + 1 + 1 > 3").isFalse();
        assertThat(nodes.b().sendingLedger().tryCount(ALICE, 1, 3, WINDOW, now.plusSeconds(3))).isFalse();
        assertThat(nodes.b().sendingLedger().tryCount(BOB, 3, 3, WINDOW, now.plusSeconds(3))).as("per user").isTrue();

        // The first two recipients leave the window an hour after they were counted; the refused mails never counted.
        assertThat(nodes.b().sendingLedger().tryCount(ALICE, 2, 3, WINDOW, now.plus(WINDOW))).isTrue();
        assertThat(nodes.a().sendingLedger().tryCount(ALICE, 1, 3, WINDOW, now.plus(WINDOW))).isFalse();
        assertThat(nodes.a().sendingLedger().sharedByNodes()).isTrue();
    }

    @Test
    void twoNodesCountingAtOnceAdmitExactlyTheLimit() throws Exception {
        Instant now = Instant.parse("2030-01-01T10:00:00Z");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> mails = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                JdbcOutboundRelayStore node = i % 2 == 0 ? nodes.a() : nodes.b();
                mails.add(() -> node.sendingLedger().tryCount(ALICE, 1, 10, WINDOW, now));
            }
            int admitted = 0;
            for (Future<Boolean> result : threads.invokeAll(mails)) {
                admitted += result.get() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(10);
        } finally {
            threads.shutdownNow();
        }
    }
}
