package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.store.RelayAttemptLogContract;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * PostgreSQL stops while relay attempts are being recorded: {@code record} never throws (the delivery path goes on),
 * the attempts of the outage are left out of the audit trail with one WARN that names no value, reads fail clearly;
 * once PostgreSQL is back, attempts are recorded again.
 */
class PostgresqlRelayAttemptOutageTest {
    static final Duration PAUSE = Duration.ofMillis(500);

    @TempDir
    Path dataDirectory;

    StoppablePostgresql postgres;
    HikariDataSource dataSource;
    JdbcRelayAttemptLog log;
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(RelayAttemptWriter.class);

    @AfterEach
    void tearDown() throws IOException {
        logger.detachAppender(logged);
        if (log != null) {
            log.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void recordNeverThrowsDuringAnOutageAndWorksAgainAfterIt() throws Exception {
        postgres = StoppablePostgresql.start(dataDirectory);
        dataSource = StoreDatabase.connectAndMigrate(postgres.freshDatabase());
        log = new JdbcRelayAttemptLog(dataSource, Duration.ofDays(90), Clock.systemUTC(), PAUSE);
        logged.start();
        logger.addAppender(logged);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RelayAttempt before = RelayAttemptLogContract.numbered(now.minusSeconds(10), 1);
        log.record(before);
        // a read waits for what was recorded before it: "before" is in the database before PostgreSQL stops
        assertThat(log.find(Optional.empty(), Instant.EPOCH, 0, 100)).containsExactly(before);

        postgres.stop();

        long start = System.nanoTime();
        for (int index = 0; index < 50; index++) {
            RelayAttempt during = RelayAttemptLogContract.numbered(now.minusSeconds(5), 100 + index);
            assertThatCode(() -> log.record(during)).doesNotThrowAnyException();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("AUDIT OUTAGE: 50 attempts recorded (dropped) during the outage in %d ms (connection timeout 1000 ms,"
            + " pause after a failure %d ms)%n", took.toMillis(), PAUSE.toMillis());
        // At most a few connection timeouts in all, not one per attempt.
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThatThrownBy(() -> log.find(Optional.empty(), Instant.EPOCH, 0, 100))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("unavailable");
        assertThatThrownBy(() -> log.latestFor(RelayAttemptLogContract.numbered(now, 0).sendAs()))
            .isInstanceOf(StoreUnavailableException.class);

        List<ILoggingEvent> warnings = logged.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getFormattedMessage())
            .contains("could not record a relay attempt")
            .doesNotContain("alice").doesNotContain("partner.test").doesNotContain("@ourdomain.test");
        assertThat(warnings.get(0).getThrowableProxy()).isNull();

        postgres.restart();
        RelayAttempt after = RelayAttemptLogContract.numbered(now, 2);
        // recorded again at each poll: one recorded in the writer's pause after a failure is dropped
        Eventually.await(Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
            log.record(after);
            return !log.find(Optional.empty(), now, 0, 100).isEmpty();
        });

        List<RelayAttempt> kept = log.find(Optional.empty(), Instant.EPOCH, 0, 1000);
        assertThat(kept).first().isEqualTo(before);
        assertThat(kept).extracting(RelayAttempt::recipientCount).doesNotContain(100).contains(2);
        assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.INFO)
            .anySatisfy(event -> assertThat(event.getFormattedMessage()).contains("recorded again"));
    }
}
