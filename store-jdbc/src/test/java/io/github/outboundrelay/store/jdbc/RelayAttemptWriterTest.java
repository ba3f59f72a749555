package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

/**
 * The audit trail's writes leave the delivery threads: they are queued and written in batches by the writer's own
 * thread; what is queued when the store closes is still written; a refused row does not take its batch with it; a
 * full queue drops attempts with a WARN instead of blocking delivery.
 */
class RelayAttemptWriterTest {
    @TempDir
    Path folder;

    HikariDataSource dataSource;
    /** Names of the threads that asked the pool for a connection. */
    Set<String> connectingThreads = ConcurrentHashMap.newKeySet();
    CountDownLatch databaseBlocked = new CountDownLatch(0);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(RelayAttemptWriter.class);

    @BeforeEach
    void setUp() {
        dataSource = StoreDatabase.connectAndMigrate(TestDatabases.h2(folder));
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logged);
        dataSource.close();
    }

    @Test
    void attemptsRecordedOnManyThreadsAreAllWrittenByTheWritersThreadOnly() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (JdbcRelayAttemptLog log = log(watchingDataSource())) {
            ExecutorService deliveryThreads = Executors.newFixedThreadPool(8, runnable -> new Thread(runnable, "delivery"));
            IntStream.range(0, 4000).forEach(index -> deliveryThreads.execute(() -> log.record(RelayAttemptLogContract.numbered(now, index))));
            deliveryThreads.shutdown();
            assertThat(deliveryThreads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            List<RelayAttempt> written = log.find(Optional.empty(), Instant.EPOCH, 0, 10_000);

            assertThat(written).hasSize(4000);
            assertThat(written).extracting(RelayAttempt::recipientCount).doesNotHaveDuplicates();
        }
        assertThat(connectingThreads).isNotEmpty().doesNotContain("delivery");
    }

    @Test
    void attemptsArrivingOneByOneShareTransactions() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        DataSource counting = dataSource((proxy, method, args) -> {
            if (method.getName().equals("getConnection")) {
                connections.incrementAndGet();
            }
            return method.invoke(dataSource, args);
        });
        Instant now = Instant.now();
        try (JdbcRelayAttemptLog log = log(counting)) {
            for (int index = 0; index < 100; index++) {
                log.record(RelayAttemptLogContract.numbered(now, index));
                Thread.sleep(2);
            }
            log.awaitRecorded();
            int transactions = connections.get();

            assertThat(log.find(Optional.empty(), Instant.EPOCH, 0, 1000)).hasSize(100);
            // one delivery every 2 ms over 200+ ms: a transaction per LINGER (100 ms), not one per attempt
            assertThat(transactions).isBetween(1, 20);
        }
    }

    @Test
    void attemptsStillQueuedWhenTheStoreClosesAreWritten() {
        Instant now = Instant.now();
        JdbcRelayAttemptLog log = log(dataSource);
        IntStream.range(0, 3000).forEach(index -> log.record(RelayAttemptLogContract.numbered(now, index)));

        log.close();

        try (JdbcRelayAttemptLog reader = log(dataSource)) {
            assertThat(reader.find(Optional.empty(), Instant.EPOCH, 0, 10_000)).hasSize(3000);
        }
    }

    @Test
    void aRowTheDatabaseRefusesDoesNotTakeTheOthersOfItsBatchWithIt() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // send_as is VARCHAR(512): the database refuses this row
        RelayAttempt refused = new RelayAttempt(now, RelayAttemptLogContract.ALICE,
            new MailAddress("a".repeat(600) + "@partner.test"), "smtp.partner.test", 587, "<id@test>", 1,
            io.github.outboundrelay.core.RelayOutcome.Kind.DELIVERED, Optional.of(250));
        try (JdbcRelayAttemptLog log = log(dataSource)) {
            databaseBlocked = new CountDownLatch(1);
            JdbcRelayAttemptLog blockedLog = log(blockingDataSource());
            blockedLog.record(RelayAttemptLogContract.numbered(now, 1));
            blockedLog.record(refused);
            blockedLog.record(RelayAttemptLogContract.numbered(now, 2));
            databaseBlocked.countDown();
            blockedLog.close();

            assertThat(log.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(RelayAttempt::recipientCount)
                .containsExactly(1, 2);
        }
        assertThat(warnings()).singleElement().satisfies(warning -> assertThat(warning)
            .contains("insert refused").doesNotContain("aaaa").doesNotContain("partner.test"));
    }

    @Test
    void aFullQueueDropsAttemptsWithOneWarningInsteadOfBlockingDelivery() {
        databaseBlocked = new CountDownLatch(1);
        Instant now = Instant.now();
        int recorded = RelayAttemptWriter.MAX_QUEUED + RelayAttemptWriter.MAX_BATCH + 100;
        JdbcRelayAttemptLog log = log(blockingDataSource());

        long start = System.nanoTime();
        IntStream.range(0, recorded).forEach(index -> log.record(RelayAttemptLogContract.numbered(now, index)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        databaseBlocked.countDown();
        log.close();

        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(warnings()).singleElement().satisfies(warning -> assertThat(warning).contains("too slow"));
        try (JdbcRelayAttemptLog reader = log(dataSource)) {
            int written = reader.find(Optional.empty(), Instant.EPOCH, 0, recorded).size();
            assertThat(written).isLessThan(recorded).isGreaterThanOrEqualTo(RelayAttemptWriter.MAX_QUEUED);
        }
    }

    private JdbcRelayAttemptLog log(DataSource source) {
        return new JdbcRelayAttemptLog(source, Duration.ofDays(90), Clock.systemUTC(), Duration.ofSeconds(1));
    }

    private List<String> warnings() {
        return logged.list.stream().filter(event -> event.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The store's pool, noting which threads ask it for connections. */
    private DataSource watchingDataSource() {
        return dataSource((proxy, method, args) -> {
            if (method.getName().equals("getConnection")) {
                connectingThreads.add(Thread.currentThread().getName());
            }
            return method.invoke(dataSource, args);
        });
    }

    /** The store's pool, whose first connection waits until {@link #databaseBlocked} opens. */
    private DataSource blockingDataSource() {
        return dataSource((proxy, method, args) -> {
            if (method.getName().equals("getConnection")) {
                assertThat(databaseBlocked.await(30, TimeUnit.SECONDS)).isTrue();
            }
            return method.invoke(dataSource, args);
        });
    }

    private static DataSource dataSource(java.lang.reflect.InvocationHandler handler) {
        return (DataSource) Proxy.newProxyInstance(RelayAttemptWriterTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class}, handler);
    }
}
