package io.github.outboundrelay.core.store.memory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.store.RelayAttemptLog;

/**
 * The most recent attempts, in memory: the newest {@code capacity} are kept, older ones are forgotten. Enough for the
 * health check and for a single node's recent audit; a durable trail belongs to a database-backed implementation.
 * Instants are kept exactly. {@link #find} lists oldest first, attempts of one instant in recording order;
 * {@link #latestFor} is the newest by time (the last recorded among equals).
 */
public class InMemoryRelayAttemptLog implements RelayAttemptLog {
    public static final int DEFAULT_CAPACITY = 100_000;

    private final int capacity;
    private final Deque<RelayAttempt> attempts = new ArrayDeque<>();
    private final Map<String, RelayAttempt> latestBySendAs = new HashMap<>();

    public InMemoryRelayAttemptLog() {
        this(DEFAULT_CAPACITY);
    }

    public InMemoryRelayAttemptLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void record(RelayAttempt attempt) {
        if (attempts.size() == capacity) {
            attempts.removeFirst();
        }
        attempts.addLast(attempt);
        latestBySendAs.merge(SendAsKey.of(attempt.sendAs()), attempt,
            (kept, recorded) -> recorded.at().isBefore(kept.at()) ? kept : recorded);
    }

    @Override
    public synchronized Optional<RelayAttempt> latestFor(MailAddress sendAs) {
        return Optional.ofNullable(latestBySendAs.get(SendAsKey.of(sendAs)));
    }

    @Override
    public synchronized List<RelayAttempt> find(Optional<Username> user, Optional<MailAddress> sendAs, Instant since,
                                                int offset, int limit) {
        Optional<String> key = sendAs.map(SendAsKey::of);
        return attempts.stream()
            .filter(attempt -> !attempt.at().isBefore(since))
            .filter(attempt -> user.map(attempt.user()::equals).orElse(true))
            .filter(attempt -> key.map(SendAsKey.of(attempt.sendAs())::equals).orElse(true))
            // stable on the deque's (recording) order: attempts of one instant keep it
            .sorted(Comparator.comparing(RelayAttempt::at))
            .skip(offset)
            .limit(limit)
            .toList();
    }
}
