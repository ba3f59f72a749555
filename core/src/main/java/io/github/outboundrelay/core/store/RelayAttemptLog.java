package io.github.outboundrelay.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.SendAsKey;

/**
 * The audit trail of relay attempts: every attempt is recorded by the delivery engine, read by the admin API
 * ({@code GET /outbound-relay/audit}) and by the relay health check.
 */
public interface RelayAttemptLog {
    void record(RelayAttempt attempt);

    /**
     * Attempts at or after {@code since}, oldest first, optionally of one user only.
     *
     * @param offset how many matching attempts to skip
     * @param limit  at most that many attempts
     */
    default List<RelayAttempt> find(Optional<Username> user, Instant since, int offset, int limit) {
        return find(user, Optional.empty(), since, offset, limit);
    }

    /** The same, optionally through one send-as address only (compared as {@link SendAsKey}: case-folded). */
    List<RelayAttempt> find(Optional<Username> user, Optional<MailAddress> sendAs, Instant since, int offset, int limit);

    /** The latest attempt through that send-as address, if any is kept. */
    Optional<RelayAttempt> latestFor(MailAddress sendAs);
}
