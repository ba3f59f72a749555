package io.github.outboundrelay.mailets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.Username;

/**
 * At most {@code limit} relayed mails per user within any sliding {@code window}, counted on this node (like Gmail's
 * per-account sending limit, it protects the partners' servers and the users' accounts there from a compromised
 * account). James's rate-limit mailets key on the envelope sender, which here is the send-as address, so a user with
 * several addresses would get several allowances: this limiter keys on the authenticated user.
 */
class RelayRateLimiter {
    private final Optional<Integer> limit;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<Username, Deque<Instant>> recent = new ConcurrentHashMap<>();

    RelayRateLimiter(Optional<Integer> limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Counts one mail of {@code user} and says whether it is within the limit; a refused mail is not counted. */
    boolean tryAcquire(Username user) {
        if (limit.isEmpty()) {
            return true;
        }
        Instant now = clock.instant();
        Deque<Instant> sent = recent.computeIfAbsent(user, any -> new ArrayDeque<>());
        synchronized (sent) {
            while (!sent.isEmpty() && !sent.peekFirst().isAfter(now.minus(window))) {
                sent.pollFirst();
            }
            if (sent.size() >= limit.get()) {
                return false;
            }
            sent.addLast(now);
            return true;
        }
    }

    String describe() {
        return limit.map(max -> max + " relayed mails per " + window).orElse("no limit");
    }
}
