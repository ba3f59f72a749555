package io.github.outboundrelay.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.SettingsEventLog;

/**
 * The audit trail as the admin API and the admin area list it: relay attempts and configuration events in one
 * sequence, oldest first (of one instant: attempts before events, each kind in its own order), filtered by user,
 * send-as address, {@code since} and {@code until}, paged by offset and limit over that merged sequence.
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

    /**
     * What is asked for: entries of one user, about one send-as address, at or after {@code since} and before
     * {@code until}, of some kinds (each filter but {@code since} and {@code kinds} optional).
     */
    public record Query(Optional<Username> user, Optional<MailAddress> sendAs, Instant since, Optional<Instant> until,
                        Set<Kind> kinds) {
    }

    public List<AuditEntry> find(Optional<Username> user, Instant since, Set<Kind> kinds, int offset, int limit) {
        return find(new Query(user, Optional.empty(), since, Optional.empty(), kinds), offset, limit);
    }

    /**
     * The page at {@code offset}. The entries before {@code until} are the start of the sequence (oldest first), so
     * paging over them is paging over all, each page cut at the first entry at or after {@code until}.
     */
    public List<AuditEntry> find(Query query, int offset, int limit) {
        Source attemptSource = (from, count) -> attempts.find(query.user(), query.sendAs(), query.since(), from, count);
        Source eventSource = (from, count) -> events.find(query.user(), query.sendAs(), query.since(), from, count);
        List<AuditEntry> page;
        if (!query.kinds().contains(Kind.SETTINGS)) {
            page = List.copyOf(attemptSource.page(offset, limit));
        } else if (!query.kinds().contains(Kind.RELAY_ATTEMPT)) {
            page = List.copyOf(eventSource.page(offset, limit));
        } else {
            page = merged(attemptSource, eventSource, offset, limit);
        }
        return query.until().map(until -> page.stream().takeWhile(entry -> entry.at().isBefore(until)).toList()).orElse(page);
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
