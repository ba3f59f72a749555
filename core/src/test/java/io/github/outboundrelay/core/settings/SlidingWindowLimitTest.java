package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class SlidingWindowLimitTest {
    final SendAsSettingsTest.MutableClock clock = new SendAsSettingsTest.MutableClock(Instant.parse("2026-11-28T10:00:00Z"));

    @Test
    void countsPerKeyWithinTheWindow() {
        SlidingWindowLimit limit = new SlidingWindowLimit(2, Duration.ofHours(1), clock);

        assertThat(limit.tryAcquire("a")).isTrue();
        assertThat(limit.tryAcquire("a")).isTrue();
        assertThat(limit.tryAcquire("a")).isFalse();
        assertThat(limit.tryAcquire("b")).isTrue();
        clock.advance(Duration.ofHours(1));
        assertThat(limit.tryAcquire("a")).isTrue();
    }

    @Test
    void attackerChosenKeysAreBoundedAndRefusedUntilSomeExpire() {
        SlidingWindowLimit limit = new SlidingWindowLimit(1, Duration.ofHours(1), clock);
        for (int i = 0; i < SlidingWindowLimit.MAX_KEYS; i++) {
            assertThat(limit.tryAcquire("host" + i)).isTrue();
        }

        assertThat(limit.tryAcquire("one-more-host")).isFalse();
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(limit.tryAcquire("one-more-host")).isTrue();
    }

    @Test
    void aReleasedEventNoLongerCounts() {
        SlidingWindowLimit limit = new SlidingWindowLimit(1, Duration.ofHours(1), clock);
        assertThat(limit.tryAcquire("a")).isTrue();
        limit.release("a");
        limit.release("never-counted");

        assertThat(limit.tryAcquire("a")).isTrue();
        assertThat(limit.tryAcquire("a")).isFalse();
    }
}
