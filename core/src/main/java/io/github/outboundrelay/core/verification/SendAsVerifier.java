package io.github.outboundrelay.core.verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import javax.inject.Inject;

import io.github.outboundrelay.core.RelayAccount;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.Verifications;

/**
 * The rules of send-as verification, as Gmail applies them: a new address is pending; a one-time code mailed to the
 * address proves the owner controls it; codes expire, lock after too many wrong tries, and only so many are mailed per
 * day; changing (or adding) the relay host, port, security or username starts over, removing the relay does not; an
 * admin may vouch instead.
 */
public class SendAsVerifier {
    public static final Duration CODE_LIFETIME = Duration.ofHours(24);
    public static final int MAX_WRONG_CODES = 5;
    public static final int MAX_CODES_PER_DAY = 5;
    /** What the verification of an address without relay is about (no '|': never a relay account's identity). */
    static final String NO_RELAY_IDENTITY = "our-servers";

    public enum ConfirmOutcome { VERIFIED, WRONG_CODE, EXPIRED, LOCKED, NOTHING_TO_CONFIRM }

    /** A wrong, expired or locked confirmation, with the tries left on the current code. */
    public record ConfirmResult(ConfirmOutcome outcome, int triesLeft) {
    }

    /** Thrown when no more verification mails may be sent for an address today. */
    public static class TooManyCodesException extends RuntimeException {
        public TooManyCodesException(String message) {
            super(message);
        }
    }

    private final Verifications verifications;
    private final Clock clock;

    @Inject
    public SendAsVerifier(Verifications verifications) {
        this(verifications, Clock.systemUTC());
    }

    public SendAsVerifier(Verifications verifications, Clock clock) {
        this.verifications = verifications;
        this.clock = clock;
    }

    /** On the per-mail path: one map read, no allocation for the identity comparison. */
    public boolean isVerified(SendAsAddress sendAs) {
        return isVerified(sendAs, sendAs.key());
    }

    /**
     * As {@link #isVerified(SendAsAddress)}, for a caller that holds the address's key already ({@code key} is
     * {@link io.github.outboundrelay.core.SendAsKey#of} of its address): the rule, from its owner index, which
     * computes each key once, not on every mail. The state itself is read from the store every time.
     */
    public boolean isVerified(SendAsAddress sendAs, String key) {
        Optional<Verification> state = verifications.get(key);
        return state.isPresent() && state.get().isVerified() && isAbout(state.get(), sendAs);
    }

    /** The address's state, if it is about its current relay host, port, security and username (a change starts over). */
    private Optional<Verification> stateOf(SendAsAddress sendAs) {
        return verifications.get(sendAs.key()).filter(state -> isAbout(state, sendAs));
    }

    /** Compares with {@link #relayIdentity} field by field, without building it: this runs for every mail. */
    private static boolean isAbout(Verification state, SendAsAddress sendAs) {
        String identity = state.relayIdentity();
        if (sendAs.relayAccount().isEmpty()) {
            return identity.equals(NO_RELAY_IDENTITY);
        }
        RelayAccount account = sendAs.relayAccount().get();
        String username = account.username();
        int at = afterSegment(identity, 0, account.server().host());
        at = at < 0 ? -1 : afterPort(identity, at, account.server().port());
        at = at < 0 ? -1 : afterSegment(identity, at, account.server().security().name());
        return at >= 0 && identity.length() == at + username.length() && identity.startsWith(username, at);
    }

    /** Where the next field starts when {@code identity} holds {@code text} then '|' at {@code at}; -1 otherwise. */
    private static int afterSegment(String identity, int at, String text) {
        int end = at + text.length();
        return identity.startsWith(text, at) && end < identity.length() && identity.charAt(end) == '|' ? end + 1 : -1;
    }

    private static int afterPort(String identity, int at, int port) {
        int end = identity.indexOf('|', at);
        if (end <= at || end - at > 5) {
            return -1;
        }
        int value = 0;
        for (int i = at; i < end; i++) {
            char digit = identity.charAt(i);
            if (digit < '0' || digit > '9') {
                return -1;
            }
            value = value * 10 + (digit - '0');
        }
        return value == port ? end + 1 : -1;
    }

    /**
     * Whether a pending address no longer holds its address against other users: not verified, and no code that
     * still works (none was issued, or it expired after {@link #CODE_LIFETIME}). Registering it is then not squatting.
     */
    public boolean isAbandoned(SendAsAddress sendAs) {
        Optional<Verification> state = stateOf(sendAs);
        if (state.isPresent() && state.get().isVerified()) {
            return false;
        }
        Instant now = clock.instant();
        return state.flatMap(Verification::code).map(code -> !now.isBefore(code.expiresAt())).orElse(true);
    }

    public SendAsStatus status(SendAsAddress sendAs) {
        return isVerified(sendAs) ? SendAsStatus.VERIFIED : SendAsStatus.PENDING;
    }

    /**
     * Records a saved address: verified when an admin vouched, kept verified when its relay account (host, port,
     * security, username) did not change or was removed (its mail goes back to our servers: the address is still
     * the owner's), pending otherwise (a new relay account, as a relay added to an address that had none).
     */
    public SendAsStatus saved(SendAsAddress sendAs, boolean vouchedByAdmin) {
        if (vouchedByAdmin || (!sendAs.hasRelay() && wasVerified(sendAs))) {
            verifications.put(sendAs.key(), Verification.verified(relayIdentity(sendAs)));
            return SendAsStatus.VERIFIED;
        }
        if (isVerified(sendAs)) {
            return SendAsStatus.VERIFIED;
        }
        Optional<Verification> existing = stateOf(sendAs);
        // Same relay still pending: keep its code and counters, so re-saving cannot reset the caps. Another relay:
        // start over, but keep when codes were mailed to the address, so changing host or username cannot either.
        verifications.put(sendAs.key(), existing.orElse(new Verification(SendAsStatus.PENDING, relayIdentity(sendAs),
            Optional.empty(), 0, codesSentTo(sendAs))));
        return SendAsStatus.PENDING;
    }

    /**
     * A new one-time code for a pending address, replacing any earlier one.
     *
     * @return the clear code, to be mailed and then forgotten
     * @throws TooManyCodesException when the daily cap on verification mails is reached
     */
    public String issueCode(SendAsAddress sendAs) {
        Instant now = clock.instant();
        Verification current = stateOf(sendAs).orElse(new Verification(SendAsStatus.PENDING, relayIdentity(sendAs),
            Optional.empty(), 0, codesSentTo(sendAs)));
        if (current.isVerified()) {
            throw new IllegalStateException(sendAs.address().asString() + " is already verified");
        }
        List<Instant> recent = current.codesSentAt().stream().filter(sent -> sent.isAfter(now.minus(Duration.ofDays(1)))).toList();
        if (recent.size() >= MAX_CODES_PER_DAY) {
            throw new TooManyCodesException("At most " + MAX_CODES_PER_DAY + " verification mails per address per day were sent to "
                + sendAs.address().asString() + "; try again later");
        }
        String code = VerificationCodes.newCode();
        verifications.put(sendAs.key(), new Verification(SendAsStatus.PENDING, current.relayIdentity(),
            Optional.of(VerificationCodes.hash(code, now.plus(CODE_LIFETIME))), 0,
            Stream.concat(recent.stream(), Stream.of(now)).toList()));
        return code;
    }

    public ConfirmResult confirm(SendAsAddress sendAs, String candidate) {
        Optional<Verification> state = stateOf(sendAs);
        if (state.isEmpty() || state.get().isVerified() || state.get().code().isEmpty()) {
            return new ConfirmResult(ConfirmOutcome.NOTHING_TO_CONFIRM, 0);
        }
        Verification current = state.get();
        Verification.HashedCode code = current.code().get();
        if (current.failedAttempts() >= MAX_WRONG_CODES) {
            return new ConfirmResult(ConfirmOutcome.LOCKED, 0);
        }
        if (clock.instant().isAfter(code.expiresAt())) {
            return new ConfirmResult(ConfirmOutcome.EXPIRED, 0);
        }
        if (VerificationCodes.matches(code, candidate)) {
            verifications.put(sendAs.key(), Verification.verified(current.relayIdentity()));
            return new ConfirmResult(ConfirmOutcome.VERIFIED, 0);
        }
        int failed = current.failedAttempts() + 1;
        verifications.put(sendAs.key(), new Verification(SendAsStatus.PENDING, current.relayIdentity(), current.code(),
            failed, current.codesSentAt()));
        return failed >= MAX_WRONG_CODES
            ? new ConfirmResult(ConfirmOutcome.LOCKED, 0)
            : new ConfirmResult(ConfirmOutcome.WRONG_CODE, MAX_WRONG_CODES - failed);
    }

    /** Whether the address was verified, whatever relay its state was about (a state is only ever its owner's). */
    private boolean wasVerified(SendAsAddress sendAs) {
        return verifications.get(sendAs.key()).filter(Verification::isVerified).isPresent();
    }

    /** When codes were mailed to the address, whatever relay its state was about. */
    private List<Instant> codesSentTo(SendAsAddress sendAs) {
        return verifications.get(sendAs.key()).map(Verification::codesSentAt).orElse(List.of());
    }

    public void forget(SendAsAddress sendAs) {
        verifications.remove(sendAs.key());
    }

    /**
     * What a verification is about: this relay account at this host, port and security ({@code host|port|SECURITY|
     * username}), or {@link #NO_RELAY_IDENTITY} for an address our servers send. Any change of relay account (a
     * STARTTLS relay moved to NONE, another port, a relay added) makes the address pending again.
     */
    static String relayIdentity(SendAsAddress sendAs) {
        return sendAs.relayAccount()
            .map(account -> account.server().host() + "|" + account.server().port() + "|"
                + account.server().security().name() + "|" + account.username())
            .orElse(NO_RELAY_IDENTITY);
    }
}
