package io.github.outboundrelay.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.Username;

/**
 * The audit trail as the admin API lists it: relay attempts and configuration events in one sequence, oldest first
 * (of one instant: attempts before events, each kind in its own order), filtered by user and {@code since}, paged by
 * offset and limit over that merged sequence.
 * <p>
 * Each log pages itself; the merged page starting at {@code offset} starts at attempt {@code i} and event
 * {@code offset - i} for the one split {@code i} where both sides agree, found by a binary search that reads a single
 * entry of each log per step (so a deep page costs a few dozen one-row reads, never {@code offset} rows in memory).
 */
public class AuditTrail {
    public enum Kind {
        RELAY_ATTEMPT,
        SETTINGS
    }

    /** One page of one log, oldest first. */
    @FunctionalInterface
    interface Source {
        List<? extends AuditEntry> page(int offset, int limit);

        default Optional<Instant> at(int index) {
            return page(index, 1).stream().findFirst().map(AuditEntry::at);
        }
    }

    private final RelayAttemptLog attempts;
    private final SettingsEventLog events;

    @Inject
    public AuditTrail(RelayAttemptLog attempts, SettingsEventLog events) {
        this.attempts = attempts;
        this.events = events;
    }

    public List<AuditEntry> find(Optional<Username> user, Instant since, Set<Kind> kinds, int offset, int limit) {
        Source attemptSource = (from, count) -> attempts.find(user, since, from, count);
        Source eventSource = (from, count) -> events.find(user, since, from, count);
        if (!kinds.contains(Kind.SETTINGS)) {
            return List.copyOf(attemptSource.page(offset, limit));
        }
        if (!kinds.contains(Kind.RELAY_ATTEMPT)) {
            return List.copyOf(eventSource.page(offset, limit));
        }
        return merged(attemptSource, eventSource, offset, limit);
    }

    /** The page at {@code offset} of the merge of two sorted sources; on equal instants {@code first}'s entry comes first. */
    static List<AuditEntry> merged(Source first, Source second, int offset, int limit) {
        int fromFirst = splitAt(first, second, offset);
        List<? extends AuditEntry> a = first.page(fromFirst, limit);
        List<? extends AuditEntry> b = second.page(offset - fromFirst, limit);
        List<AuditEntry> page = new ArrayList<>(Math.min(limit, a.size() + b.size()));
        int i = 0;
        int j = 0;
        while (page.size() < limit && (i < a.size() || j < b.size())) {
            if (j == b.size() || (i < a.size() && !a.get(i).at().isAfter(b.get(j).at()))) {
                page.add(a.get(i++));
            } else {
                page.add(b.get(j++));
            }
        }
        return page;
    }

    /**
     * How many of the first {@code offset} merged entries come from {@code first}: the smallest {@code i} such that
     * {@code first[i]} comes after {@code second[offset - i - 1]} (a missing {@code first[i]} comes after everything, a
     * missing {@code second[k]} after every entry of {@code first}). The condition only turns from false to true as
     * {@code i} grows, both sources being sorted.
     */
    private static int splitAt(Source first, Source second, int offset) {
        int low = 0;
        int high = offset;
        while (low < high) {
            int i = (low + high) >>> 1;
            if (comesAfter(first.at(i), second.at(offset - i - 1))) {
                high = i;
            } else {
                low = i + 1;
            }
        }
        return low;
    }

    private static boolean comesAfter(Optional<Instant> ofFirst, Optional<Instant> ofSecond) {
        if (ofFirst.isEmpty()) {
            return true;
        }
        return ofSecond.isPresent() && ofFirst.get().isAfter(ofSecond.get());
    }
}
