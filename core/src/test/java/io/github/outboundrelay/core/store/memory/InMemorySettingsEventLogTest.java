package io.github.outboundrelay.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.store.SettingsEventLog;
import io.github.outboundrelay.core.store.SettingsEventLogContract;

class InMemorySettingsEventLogTest implements SettingsEventLogContract {
    InMemorySettingsEventLog log;

    @BeforeEach
    void setUp() {
        log = new InMemorySettingsEventLog();
    }

    @Override
    public SettingsEventLog log() {
        return log;
    }

    @Test
    void onlyTheNewestCapacityEventsAreKept() {
        InMemorySettingsEventLog small = new InMemorySettingsEventLog(3);
        IntStream.range(0, 5).forEach(index -> small.record(SettingsEventLogContract.numbered(T0.plusSeconds(index), index)));

        assertThat(small.find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(SettingsEvent::detail)
            .containsExactly("change 2", "change 3", "change 4");
    }
}
