package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;

class SessionsTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void everySignInOpensANewSessionWithItsOwnIdAndToken() {
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC());
        Sessions.Session first = sessions.open(ALICE);
        Sessions.Session second = sessions.open(ALICE);

        assertThat(second.id()).isNotEqualTo(first.id()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(second.csrfToken()).isNotEqualTo(first.csrfToken()).isNotEqualTo(second.id());
    }

    @Test
    void aSessionEndsAfterItsIdleTimeButEachRequestExtendsIt() {
        MovableClock clock = new MovableClock();
        Sessions sessions = new Sessions(Duration.ofMinutes(30), clock);
        String id = sessions.open(ALICE).id();

        clock.now = clock.now.plus(Duration.ofMinutes(20));
        assertThat(sessions.find(id)).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(20));
        assertThat(sessions.find(id)).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(31));
        assertThat(sessions.find(id)).isEmpty();
    }

    @Test
    void signingOutEndsTheSession() {
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC());
        String id = sessions.open(ALICE).id();
        sessions.close(id);

        assertThat(sessions.find(id)).isEmpty();
        assertThat(sessions.find("made-up")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }
}
