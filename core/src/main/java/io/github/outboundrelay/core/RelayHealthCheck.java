package io.github.outboundrelay.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.GrantKey;
import io.github.outboundrelay.core.oauth.SendAsOAuthGrant;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.StoreUnavailableException;
import reactor.core.publisher.Mono;

/**
 * Shown by James's WebAdmin {@code /healthcheck}: degraded while some relay failed AUTH or could not be reached on
 * every attempt of the last window, naming the relay and what failed (never a credential). One refused mail does not
 * make a relay unhealthy, and a relay nobody used lately says nothing.
 */
public class RelayHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("Outbound relay");
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    private static final int MAX_ATTEMPTS_READ = 10_000;

    private final RelayAttemptLog attempts;
    private final Clock clock;
    private final Duration window;
    private final Supplier<List<String>> oauthAccountsNeedingReconnect;

    /**
     * The OAuth side: send-as addresses whose grant the provider refused, as stored by whichever node was refused, and
     * as this node remembers it (still registered, still OAuth: the memory may be of an address another node removed).
     */
    @Inject
    public RelayHealthCheck(RelayAttemptLog attempts, AccessTokenCache tokens, SendAsRegistry registry) {
        this(attempts, Clock.systemUTC(), DEFAULT_WINDOW, () -> java.util.stream.Stream.concat(
                registry.all().stream()
                    .filter(sendAs -> sendAs.oauthCredential().filter(RelayCredential.OAuth::reconnectNeeded).isPresent())
                    .map(SendAsAddress::key),
                tokens.accountsNeedingReconnect().stream()
                    .filter(grant -> SendAsOAuthGrant.isHeld(registry, grant))
                    .map(GrantKey::address))
            .distinct().sorted().toList());
    }

    public RelayHealthCheck(RelayAttemptLog attempts, Clock clock, Duration window) {
        this(attempts, clock, window, List::of);
    }

    public RelayHealthCheck(RelayAttemptLog attempts, Clock clock, Duration window,
                            Supplier<List<String>> oauthAccountsNeedingReconnect) {
        this.attempts = attempts;
        this.clock = clock;
        this.window = window;
        this.oauthAccountsNeedingReconnect = oauthAccountsNeedingReconnect;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::evaluate);
    }

    /** The check, at once (the admin area shows it at the top of "What happened"). */
    public Result evaluate() {
        // A refused OAuth grant waits for its user whatever else the relay does: degraded until reconnected.
        List<String> reconnect = oauthAccountsNeedingReconnect.get();
        if (!reconnect.isEmpty()) {
            return Result.degraded(COMPONENT, "OAuth account(s) whose grant the provider refused, to be reconnected by "
                + "their user: " + String.join(", ", reconnect));
        }
        Instant since = clock.instant().minus(window);
        List<RelayAttempt> recent;
        try {
            recent = attempts.find(Optional.empty(), since, 0, MAX_ATTEMPTS_READ);
        } catch (StoreUnavailableException e) {
            // Relaying goes on without the audit trail: say we cannot tell, rather than "unhealthy".
            return Result.degraded(COMPONENT, "The relay attempts cannot be read (the store is unavailable)");
        }
        Map<String, List<RelayAttempt>> byRelay = recent.stream()
            .collect(Collectors.groupingBy(RelayAttempt::relay));
        List<String> failing = byRelay.entrySet().stream()
            .filter(relay -> relay.getValue().stream().allMatch(attempt -> attempt.outcome().isRelayFailure()))
            .map(relay -> describe(relay.getKey(), relay.getValue()))
            .sorted()
            .toList();
        if (failing.isEmpty()) {
            return Result.healthy(COMPONENT);
        }
        return Result.degraded(COMPONENT, "Every attempt of the last " + window.toMinutes() + " minutes failed for: "
            + String.join("; ", failing));
    }

    private static String describe(String relay, List<RelayAttempt> attempts) {
        String outcomes = attempts.stream()
            .map(attempt -> attempt.outcome().isCredentialFailure() ? "AUTH rejected" : "unreachable")
            .distinct()
            .sorted()
            .collect(Collectors.joining(", "));
        return relay + " (" + attempts.size() + " attempt(s), " + outcomes + ")";
    }
}
