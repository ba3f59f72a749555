package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.james.core.Username;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * PostgreSQL stops under two nodes counting the per-user sending limit: each node goes on counting on its own (what it
 * counted before the outage included), so a user may relay up to the limit per node, not without bound; one WARN
 * naming no user (per node). Once PostgreSQL is back, the shared count decides again.
 */
class PostgresqlSendingLimitOutageTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");
    static final Duration WINDOW = Duration.ofHours(1);
    static final int LIMIT = 3;

    @TempDir
    Path dataDirectory;

    StoppablePostgresql postgres;
    HikariDataSource nodeADatabase;
    HikariDataSource nodeBDatabase;
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(JdbcRelaySendingLedger.class);

    @AfterEach
    void tearDown() throws IOException {
        logger.detachAppender(logged);
        for (HikariDataSource database : new HikariDataSource[] {nodeADatabase, nodeBDatabase}) {
            if (database != null) {
                database.close();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void duringAnOutageEachNodeCountsOnItsOwnThenTheSharedCountDecidesAgain() throws Exception {
        postgres = StoppablePostgresql.start(dataDirectory);
        JdbcStoreConfiguration database = postgres.freshDatabase();
        nodeADatabase = StoreDatabase.connectAndMigrate(database);
        nodeBDatabase = StoreDatabase.connectAndMigrate(database);
        JdbcRelaySendingLedger nodeA = new JdbcRelaySendingLedger(nodeADatabase);
        JdbcRelaySendingLedger nodeB = new JdbcRelaySendingLedger(nodeBDatabase);
        logged.start();
        logger.addAppender(logged);
        Instant now = Instant.now();

        assertThat(nodeA.tryCount(ALICE, 2, LIMIT, WINDOW, now)).isTrue();
        assertThat(nodeB.tryCount(ALICE, 1, LIMIT, WINDOW, now)).isTrue();

        postgres.stop();

        // Node A counted 2 of Alice's recipients before the outage, node B 1: each admits up to the limit, no further.
        assertThat(nodeA.tryCount(ALICE, 1, LIMIT, WINDOW, now.plusSeconds(1))).as("A: 2 + 1").isTrue();
        assertThat(nodeA.tryCount(ALICE, 1, LIMIT, WINDOW, now.plusSeconds(2))).as("A: 3 + 1 > 3").isFalse();
        assertThat(nodeB.tryCount(ALICE, 2, LIMIT, WINDOW, now.plusSeconds(3))).as("B: 1 + 2").isTrue();
        assertThat(nodeB.tryCount(ALICE, 1, LIMIT, WINDOW, now.plusSeconds(4))).as("B: 3 + 1 > 3").isFalse();
        assertThat(nodeA.tryCount(BOB, LIMIT, LIMIT, WINDOW, now.plusSeconds(5))).as("per user").isTrue();

        List<ILoggingEvent> warnings = logged.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
        assertThat(warnings).as("one per node and outage").hasSize(2).allSatisfy(warning ->
            assertThat(warning.getFormattedMessage()).contains("each node counts on its own")
                .doesNotContain("alice").doesNotContain("bob").doesNotContain("ourdomain.test"));

        postgres.restart();
        // The database holds Alice's 3 recipients of before the outage: the shared count refuses again, on both nodes.
        // Bob's empty mails only probe until both nodes count in the database again (the pool reconnects).
        Eventually.await(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
            nodeA.tryCount(BOB, 0, LIMIT, WINDOW, now.plusSeconds(6));
            nodeB.tryCount(BOB, 0, LIMIT, WINDOW, now.plusSeconds(6));
            return logged.list.stream().filter(event -> event.getFormattedMessage().contains("counted in the database again")).count() == 2;
        });
        assertThat(nodeA.tryCount(ALICE, 1, LIMIT, WINDOW, now.plusSeconds(7))).isFalse();
        assertThat(nodeB.tryCount(ALICE, 1, LIMIT, WINDOW, now.plusSeconds(7))).isFalse();
        assertThat(nodeA.tryCount(ALICE, 1, LIMIT, WINDOW, now.plus(WINDOW))).as("the window moved on").isTrue();
    }
}
