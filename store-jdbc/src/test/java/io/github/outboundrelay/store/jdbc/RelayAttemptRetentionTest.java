package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.store.RelayAttemptLogContract;
import io.github.outboundrelay.core.store.SettingsEventLogContract;

/**
 * {@code audit.retention}: attempts and configuration events older than it are deleted, recent ones kept, on H2 and
 * PostgreSQL.
 */
class RelayAttemptRetentionTest {
    @TempDir
    Path folder;

    @Test
    void olderAttemptsAreDeletedAndRecentOnesKeptOnH2() throws Exception {
        olderAttemptsAreDeletedAndRecentOnesKept(TestDatabases.h2(folder));
    }

    @Test
    void olderAttemptsAreDeletedAndRecentOnesKeptOnPostgresql() throws Exception {
        olderAttemptsAreDeletedAndRecentOnesKept(TestDatabases.freshPostgresDatabase());
    }

    private void olderAttemptsAreDeletedAndRecentOnesKept(JdbcStoreConfiguration database) throws Exception {
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(database.withAuditRetention(Duration.ofDays(30)))) {
            JdbcRelayAttemptLog log = store.relayAttemptLog();
            Instant now = Instant.now();
            log.record(attempt(now.minus(Duration.ofDays(400)), 1));
            log.record(attempt(now.minus(Duration.ofDays(31)), 2));
            log.record(attempt(now.minus(Duration.ofDays(29)), 3));
            log.record(attempt(now.minus(Duration.ofHours(1)), 4));

            assertThat(log.purgeExpired()).isEqualTo(2);

            assertThat(log.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(RelayAttempt::recipientCount)
                .containsExactly(3, 4);
            assertThat(log.purgeExpired()).isZero();
        }
    }

    @Test
    void theDefaultRetentionIsNinetyDays() {
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            assertThat(store.relayAttemptLog().retention()).isEqualTo(Duration.ofDays(90));
        }
    }

    @Test
    void manyExpiredAttemptsAreDeletedInBatches() throws Exception {
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            JdbcRelayAttemptLog log = store.relayAttemptLog();
            Instant old = Instant.now().minus(Duration.ofDays(100));
            int expired = AuditRetention.PURGE_BATCH * 2 + 17;
            for (int index = 0; index < expired; index++) {
                log.record(attempt(old.plusMillis(index), 0));
                if (index % 5000 == 0) {
                    log.awaitRecorded(); // more than RelayAttemptWriter.MAX_QUEUED at once would be dropped
                }
            }
            log.record(attempt(Instant.now(), 1));

            assertThat(log.purgeExpired()).isEqualTo(expired);
            assertThat(log.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(RelayAttempt::recipientCount)
                .containsExactly(1);
        }
    }

    @Test
    void thePurgeRunsPeriodicallyOnItsOwnForAttemptsAndConfigurationEvents() throws Exception {
        HikariDataSource dataSource = StoreDatabase.connectAndMigrate(TestDatabases.h2(folder));
        JdbcSettingsEventLog events = new JdbcSettingsEventLog(dataSource);
        try (JdbcRelayAttemptLog log = log(dataSource);
             AuditRetention retention = new AuditRetention(Duration.ofDays(1), Clock.systemUTC(), List.of(log, events))) {
            log.record(attempt(Instant.now().minus(Duration.ofDays(2)), 1));
            log.record(attempt(Instant.now(), 2));
            events.record(SettingsEventLogContract.numbered(Instant.now().minus(Duration.ofDays(2)), 1));
            events.record(SettingsEventLogContract.numbered(Instant.now(), 2));

            retention.start(Duration.ofMillis(10), Duration.ofMillis(50));

            Eventually.await(Duration.ofSeconds(10), () -> log.find(Optional.empty(), Instant.EPOCH, 0, 100).size() == 1
                && events.find(Optional.empty(), Instant.EPOCH, 0, 100).size() == 1);
            assertThat(log.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(RelayAttempt::recipientCount)
                .containsExactly(2);
            assertThat(events.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(SettingsEvent::detail)
                .containsExactly("change 2");
        } finally {
            dataSource.close();
        }
    }

    @Test
    void olderConfigurationEventsAreDeletedWithTheSameRetentionOnPostgresql() {
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(TestDatabases.freshPostgresDatabase()
            .withAuditRetention(Duration.ofDays(30)))) {
            JdbcSettingsEventLog events = store.settingsEventLog();
            Instant now = Instant.now();
            events.record(SettingsEventLogContract.numbered(now.minus(Duration.ofDays(31)), 1));
            events.record(SettingsEventLogContract.numbered(now.minus(Duration.ofDays(29)), 2));

            store.auditRetention().purgeExpired();

            assertThat(events.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(SettingsEvent::detail)
                .containsExactly("change 2");
        }
    }

    private static JdbcRelayAttemptLog log(DataSource dataSource) {
        return new JdbcRelayAttemptLog(dataSource, Duration.ofDays(1), Clock.systemUTC(), Duration.ofSeconds(1));
    }

    private static RelayAttempt attempt(Instant at, int index) {
        return RelayAttemptLogContract.numbered(at, index);
    }
}
