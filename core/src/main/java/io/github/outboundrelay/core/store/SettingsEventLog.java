package io.github.outboundrelay.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.AuditTrail;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.SettingsEvent;

/**
 * The configuration events of the audit trail (send-as addresses added, changed, verified, removed, relay tests, code
 * mails, domain policy changes, key rotations), recorded by {@link io.github.outboundrelay.core.settings.SettingsEvents}
 * and read beside the relay attempts ({@link RelayAttemptLog}) by {@link AuditTrail}. Same rules as the attempts: kept
 * at least to the millisecond, listed oldest first (events of one instant in recording order), kept
 * {@code audit.retention} by a durable store.
 */
public interface SettingsEventLog {
    /** Records the event. Never throws: an event that cannot be stored is left out of the trail (with a WARN). */
    void record(SettingsEvent event);

    /**
     * Events at or after {@code since}, oldest first, optionally of one user only (the owner of the address concerned;
     * events without an owner, such as policy changes, are then left out).
     *
     * @param offset how many matching events to skip
     * @param limit  at most that many events
     */
    default List<SettingsEvent> find(Optional<Username> user, Instant since, int offset, int limit) {
        return find(user, Optional.empty(), since, offset, limit);
    }

    /**
     * The same, optionally about one send-as address only (compared as {@link SendAsKey}: case-folded; events about no
     * address are then left out).
     */
    List<SettingsEvent> find(Optional<Username> user, Optional<MailAddress> sendAs, Instant since, int offset, int limit);
}
