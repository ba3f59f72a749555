package io.github.outboundrelay.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.store.memory.InMemoryRelaySendingLedger;
import io.github.outboundrelay.mailets.smtp.RelayPeers;

class RelayRateLimiterTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");

    final RelayPeers.MovableClock clock = new RelayPeers.MovableClock();

    @Test
    void limitHoldsPerUserOverASlidingWindow() {
        RelayRateLimiter limiter = new RelayRateLimiter(Optional.of(2), Duration.ofHours(1), new InMemoryRelaySendingLedger(), clock);

        assertThat(limiter.tryAcquire(ALICE, 1)).isTrue();
        clock.advance(Duration.ofMinutes(30));
        assertThat(limiter.tryAcquire(ALICE, 1)).isTrue();
        assertThat(limiter.tryAcquire(ALICE, 1)).isFalse();
        assertThat(limiter.tryAcquire(BOB, 1)).isTrue();

        clock.advance(Duration.ofMinutes(30)); // the first mail leaves the window, the second does not
        assertThat(limiter.tryAcquire(ALICE, 1)).isTrue();
        assertThat(limiter.tryAcquire(ALICE, 1)).isFalse();
    }

    @Test
    void refusedMailsDoNotCount() {
        RelayRateLimiter limiter = new RelayRateLimiter(Optional.of(1), Duration.ofMinutes(10), new InMemoryRelaySendingLedger(), clock);
        limiter.tryAcquire(ALICE, 1);
        for (int i = 0; i < 100; i++) {
            limiter.tryAcquire(ALICE, 1);
        }
        clock.advance(Duration.ofMinutes(10));

        assertThat(limiter.tryAcquire(ALICE, 1)).isTrue();
    }

    @Test
    void noLimitWhenOff() {
        RelayRateLimiter limiter = new RelayRateLimiter(Optional.empty(), Duration.ofHours(1), new InMemoryRelaySendingLedger(), clock);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire(ALICE, 1)).isTrue();
        }
    }

    @Test
    void recipientsAreCountedNotMails() {
        RelayRateLimiter limiter = new RelayRateLimiter(Optional.of(5), Duration.ofHours(1), new InMemoryRelaySendingLedger(), clock);

        assertThat(limiter.tryAcquire(ALICE, 3)).isTrue();
        assertThat(limiter.tryAcquire(ALICE, 3)).as("3 + 3 recipients > 5").isFalse();
        assertThat(limiter.tryAcquire(ALICE, 2)).isTrue();
        assertThat(limiter.tryAcquire(ALICE, 1)).isFalse();
        assertThat(limiter.tryAcquire(BOB, 6)).as("more recipients than the limit: never").isFalse();

        clock.advance(Duration.ofHours(1));
        assertThat(limiter.tryAcquire(ALICE, 5)).isTrue();
        assertThat(limiter.describe()).isEqualTo("5 relayed recipients per PT1H on this node");
    }
}
