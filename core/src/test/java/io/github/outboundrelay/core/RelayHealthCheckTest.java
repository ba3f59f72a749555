package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.core.healthcheck.Result;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelayOutcome.Kind;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.StoreUnavailableException;
import io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog;
import reactor.core.publisher.Mono;

class RelayHealthCheckTest {
    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    InMemoryRelayAttemptLog log = new InMemoryRelayAttemptLog();
    RelayHealthCheck check = new RelayHealthCheck(log, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(15));

    @Test
    void healthyWithoutAttempts() {
        assertThat(result().isHealthy()).isTrue();
    }

    @Test
    void degradedWhenEveryRecentAttemptOfARelayFailedAuthNamingTheRelay() {
        log.record(attempt("smtp.partner.test", 5, Kind.AUTH_REJECTED));
        log.record(attempt("smtp.partner.test", 1, Kind.AUTH_REJECTED));
        log.record(attempt("smtp.other.test", 1, Kind.DELIVERED));

        Result result = result();

        assertThat(result.isDegraded()).isTrue();
        assertThat(result.getCause()).get().asString()
            .contains("smtp.partner.test:587").contains("2 attempt(s)").contains("AUTH rejected")
            .doesNotContain("smtp.other.test");
    }

    @Test
    void unreachableRelayDegradesToo() {
        log.record(attempt("smtp.down.test", 2, Kind.UNREACHABLE));

        assertThat(result().getCause()).get().asString().contains("smtp.down.test:587").contains("unreachable");
    }

    @Test
    void oneSuccessInTheWindowKeepsTheRelayHealthy() {
        log.record(attempt("smtp.partner.test", 10, Kind.AUTH_REJECTED));
        log.record(attempt("smtp.partner.test", 5, Kind.DELIVERED));
        log.record(attempt("smtp.partner.test", 1, Kind.AUTH_REJECTED));

        assertThat(result().isHealthy()).isTrue();
    }

    @Test
    void refusedMailsDoNotMakeARelayUnhealthy() {
        log.record(attempt("smtp.partner.test", 1, Kind.REFUSED));
        log.record(attempt("smtp.partner.test", 1, Kind.DEFERRED));

        assertThat(result().isHealthy()).isTrue();
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        log.record(attempt("smtp.partner.test", 16, Kind.AUTH_REJECTED));

        assertThat(result().isHealthy()).isTrue();
    }

    @Test
    void auditLogKeepsTheNewestAttemptsAndPagesByUser() {
        InMemoryRelayAttemptLog small = new InMemoryRelayAttemptLog(3);
        for (int minutesAgo = 5; minutesAgo >= 1; minutesAgo--) {
            small.record(attempt("smtp.partner.test", minutesAgo, Kind.DELIVERED));
        }

        assertThat(small.find(Optional.empty(), Instant.EPOCH, 0, 10)).extracting(RelayAttempt::at)
            .containsExactly(NOW.minusSeconds(180), NOW.minusSeconds(120), NOW.minusSeconds(60));
        assertThat(small.find(Optional.of(Username.of("alice@ourdomain.test")), NOW.minusSeconds(150), 1, 10))
            .extracting(RelayAttempt::at).containsExactly(NOW.minusSeconds(60));
        assertThat(small.find(Optional.of(Username.of("bob@ourdomain.test")), Instant.EPOCH, 0, 10)).isEmpty();
    }

    @Test
    void latestAttemptIsKeptPerSendAsAddress() throws Exception {
        log.record(attempt("smtp.partner.test", 5, Kind.AUTH_REJECTED));
        log.record(attempt("smtp.partner.test", 1, Kind.DELIVERED));

        assertThat(log.latestFor(new MailAddress("Alice@Partner.test"))).get()
            .extracting(RelayAttempt::outcome).isEqualTo(Kind.DELIVERED);
        assertThat(log.latestFor(new MailAddress("bob@partner.test"))).isEmpty();
    }

    @Test
    void unreadableAttemptsDegradeWithoutClaimingARelayFailed() {
        RelayAttemptLog unavailable = new InMemoryRelayAttemptLog() {
            @Override
            public synchronized java.util.List<RelayAttempt> find(Optional<Username> user, Instant since, int offset, int limit) {
                throw new StoreUnavailableException("The outbound-relay store is unavailable: could not read relay attempts");
            }
        };
        Result result = Mono.from(new RelayHealthCheck(unavailable, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(15)).check()).block();

        assertThat(result.isDegraded()).isTrue();
        assertThat(result.getCause()).get().asString().contains("cannot be read");
    }

    private Result result() {
        return Mono.from(check.check()).block();
    }

    private static RelayAttempt attempt(String host, int minutesAgo, Kind outcome) {
        try {
            return new RelayAttempt(NOW.minus(Duration.ofMinutes(minutesAgo)), Username.of("alice@ourdomain.test"),
                new MailAddress("alice@partner.test"), host, 587, "<id@x>", 1, outcome, Optional.empty());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOAuthAccountWhoseGrantWasRefusedDegradesUntilReconnected() {
        java.util.List<String> refused = new java.util.ArrayList<>(java.util.List.of("send-as:alice@partner.test"));
        RelayHealthCheck oauthCheck = new RelayHealthCheck(log, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(15),
            () -> java.util.List.copyOf(refused));

        Result degraded = Mono.from(oauthCheck.check()).block();
        assertThat(degraded.isDegraded()).isTrue();
        assertThat(degraded.getCause()).hasValueSatisfying(cause -> assertThat(cause)
            .contains("reconnected").contains("alice@partner.test"));

        refused.clear();
        assertThat(Mono.from(oauthCheck.check()).block().isHealthy()).isTrue();
    }
}
