package io.github.outboundrelay.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.james.core.Username;

import io.github.outboundrelay.core.store.RelaySendingLedger;

/**
 * At most {@code limit} recipients of relayed mail per user within any sliding {@code window}, counted in the
 * {@link RelaySendingLedger}: on this node with the in-memory ledger, across every node with the JDBC store's. Like
 * Gmail's per-account sending limit it protects the partners' servers and the users' accounts there from a compromised
 * account; recipients, not mails, are counted, so one mail to 500 addresses weighs what 500 mails do. James's
 * rate-limit mailets key on the envelope sender, which here is the send-as address, so a user with several addresses
 * would get several allowances: this limiter keys on the authenticated user.
 */
public class RelayRateLimiter {
    private final Optional<Integer> limit;
    private final Duration window;
    private final RelaySendingLedger ledger;
    private final Clock clock;

    public RelayRateLimiter(Optional<Integer> limit, Duration window, RelaySendingLedger ledger, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Counts a mail of {@code user} to {@code recipients} recipients and says whether it is within the limit; a refused
     * mail is not counted.
     */
    public boolean tryAcquire(Username user, int recipients) {
        return limit.map(max -> ledger.tryCount(user, recipients, max, window, clock.instant())).orElse(true);
    }

    public String describe() {
        return limit.map(max -> max + " relayed recipients per " + window + (ledger.sharedByNodes() ? "" : " on this node"))
            .orElse("no limit");
    }
}
