package io.github.outboundrelay.core.verification;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The verification state of one send-as address.
 *
 * @param relayIdentity  the relay host, port, security and username the state is about: changing any starts over
 * @param code           the current one-time code, hashed, when one was issued and not used yet
 * @param failedAttempts wrong codes entered against the current code
 * @param codesSentAt    when the recent codes were sent, for the cap on verification mails
 */
public record Verification(SendAsStatus status, String relayIdentity, Optional<HashedCode> code, int failedAttempts,
                           List<Instant> codesSentAt) {
    public Verification {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(relayIdentity, "relayIdentity");
        Objects.requireNonNull(code, "code");
        codesSentAt = List.copyOf(codesSentAt);
    }

    static Verification verified(String relayIdentity) {
        return new Verification(SendAsStatus.VERIFIED, relayIdentity, Optional.empty(), 0, List.of());
    }

    public boolean isVerified() {
        return status == SendAsStatus.VERIFIED;
    }

    /** A code stored as a salted SHA-256 hash: the clear code only ever travels in the confirmation mail. */
    public record HashedCode(String salt, String hash, Instant expiresAt) {
        public HashedCode {
            Objects.requireNonNull(salt, "salt");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public String toString() {
            return "HashedCode[expiresAt=" + expiresAt + ", ****]";
        }
    }
}
