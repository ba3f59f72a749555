package io.github.outboundrelay.core.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.Username;

import io.github.outboundrelay.core.store.RelaySendingLedger;

/** The sending ledger of one node, in its memory: with N nodes a user may relay N times the limit. */
public class InMemoryRelaySendingLedger implements RelaySendingLedger {
    private record Sent(Instant at, int recipients) {
    }

    /** A user's mails within the window, oldest first, and their recipients in total. */
    private static final class Window {
        final Deque<Sent> sent = new ArrayDeque<>();
        int recipients;
    }

    private final ConcurrentHashMap<Username, Window> recent = new ConcurrentHashMap<>();

    @Override
    public boolean tryCount(Username user, int recipients, int limit, Duration window, Instant at) {
        Window userWindow = recent.computeIfAbsent(user, any -> new Window());
        synchronized (userWindow) {
            while (!userWindow.sent.isEmpty() && !userWindow.sent.peekFirst().at().isAfter(at.minus(window))) {
                userWindow.recipients -= userWindow.sent.pollFirst().recipients();
            }
            if (userWindow.recipients + recipients > limit) {
                return false;
            }
            userWindow.sent.addLast(new Sent(at, recipients));
            userWindow.recipients += recipients;
            return true;
        }
    }

    @Override
    public boolean sharedByNodes() {
        return false;
    }
}
