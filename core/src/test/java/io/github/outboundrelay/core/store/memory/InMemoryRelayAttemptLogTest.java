package io.github.outboundrelay.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.RelayAttemptLogContract;

class InMemoryRelayAttemptLogTest implements RelayAttemptLogContract {
    InMemoryRelayAttemptLog log;

    @BeforeEach
    void setUp() {
        log = new InMemoryRelayAttemptLog();
    }

    @Override
    public RelayAttemptLog log() {
        return log;
    }

    @Test
    void onlyTheNewestCapacityAttemptsAreKept() {
        InMemoryRelayAttemptLog small = new InMemoryRelayAttemptLog(3);
        IntStream.range(0, 5).forEach(index -> small.record(RelayAttemptLogContract.numbered(T0.plusSeconds(index), index)));

        assertThat(small.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(RelayAttempt::recipientCount)
            .containsExactly(2, 3, 4);
    }
}
