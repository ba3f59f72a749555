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
 * At most {@code limit} recipients of relayed mail per user within any sliding {@code window}, counted on this node
 * (with N James nodes a user may reach N times the limit). Like Gmail's per-account sending limit it protects the
 * partners' servers and the users' accounts there from a compromised account; recipients, not mails, are counted, so
 * one mail to 500 addresses weighs what 500 mails do. James's rate-limit mailets key on the envelope sender, which here
 * is the send-as address, so a user with several addresses would get several allowances: this limiter keys on the
 * authenticated user.
 */
class RelayRateLimiter {
    private record Sent(Instant at, int recipients) {
    }

    /** A user's mails within the window, oldest first, and their recipients in total. */
    private static final class Window {
        final Deque<Sent> sent = new ArrayDeque<>();
        int recipients;
    }

    private final Optional<Integer> limit;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<Username, Window> recent = new ConcurrentHashMap<>();

    RelayRateLimiter(Optional<Integer> limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /**
     * Counts a mail of {@code user} to {@code recipients} recipients and says whether it is within the limit; a refused
     * mail is not counted.
     */
    boolean tryAcquire(Username user, int recipients) {
        if (limit.isEmpty()) {
            return true;
        }
        Instant now = clock.instant();
        Window userWindow = recent.computeIfAbsent(user, any -> new Window());
        synchronized (userWindow) {
            while (!userWindow.sent.isEmpty() && !userWindow.sent.peekFirst().at().isAfter(now.minus(window))) {
                userWindow.recipients -= userWindow.sent.pollFirst().recipients();
            }
            if (userWindow.recipients + recipients > limit.get()) {
                return false;
            }
            userWindow.sent.addLast(new Sent(now, recipients));
            userWindow.recipients += recipients;
            return true;
        }
    }

    String describe() {
        return limit.map(max -> max + " relayed recipients per " + window + " on this node").orElse("no limit");
    }
}
