package io.github.outboundrelay.core.store.memory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.store.SettingsEventLog;

/**
 * The newest {@code capacity} configuration events, in memory (this node's, until it stops), as
 * {@link InMemoryRelayAttemptLog} does for attempts.
 */
public class InMemorySettingsEventLog implements SettingsEventLog {
    public static final int DEFAULT_CAPACITY = 100_000;

    private final int capacity;
    private final Deque<SettingsEvent> events = new ArrayDeque<>();

    public InMemorySettingsEventLog() {
        this(DEFAULT_CAPACITY);
    }

    public InMemorySettingsEventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void record(SettingsEvent event) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    @Override
    public synchronized List<SettingsEvent> find(Optional<Username> user, Optional<MailAddress> sendAs, Instant since,
                                                 int offset, int limit) {
        Optional<String> key = sendAs.map(SendAsKey::of);
        return events.stream()
            .filter(event -> !event.at().isBefore(since))
            .filter(event -> user.map(wanted -> event.user().filter(wanted::equals).isPresent()).orElse(true))
            .filter(event -> key.map(wanted -> event.sendAs().map(SendAsKey::of).filter(wanted::equals).isPresent()).orElse(true))
            // stable on the deque's (recording) order: events of one instant keep it
            .sorted(Comparator.comparing(SettingsEvent::at))
            .skip(offset)
            .limit(limit)
            .toList();
    }
}
