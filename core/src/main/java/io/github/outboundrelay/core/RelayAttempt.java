package io.github.outboundrelay.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

/**
 * One attempt to hand a mail to a send-as relay, as the audit trail and the health check see it. It never holds the
 * message, the credentials nor the relay's full reply: only what an admin needs to answer "what happened to it".
 *
 * @param outcome            what the relay made of it; for a mail delivered to some recipients only, what it made of
 *                           the others ({@code partiallyDelivered})
 * @param partiallyDelivered some recipients got the mail, the others not
 * @param replyCode          the relay's SMTP reply code, when the attempt got that far
 * @param credential         the kind of credential the address authenticated with: {@code password} or {@code oauth}
 */
public record RelayAttempt(Instant at, Username user, MailAddress sendAs, String relayHost, int relayPort,
                           String messageId, int recipientCount, RelayOutcome.Kind outcome, boolean partiallyDelivered,
                           Optional<Integer> replyCode, String credential) implements AuditEntry {
    public static final String PASSWORD = "password";

    public RelayAttempt {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sendAs, "sendAs");
        Objects.requireNonNull(relayHost, "relayHost");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(replyCode, "replyCode");
        messageId = messageId == null ? "" : messageId;
        credential = credential == null ? PASSWORD : credential;
    }

    /** An attempt that was not a partial delivery. */
    public RelayAttempt(Instant at, Username user, MailAddress sendAs, String relayHost, int relayPort, String messageId,
                        int recipientCount, RelayOutcome.Kind outcome, Optional<Integer> replyCode, String credential) {
        this(at, user, sendAs, relayHost, relayPort, messageId, recipientCount, outcome, false, replyCode, credential);
    }

    /** An attempt of a password address that was not a partial delivery. */
    public RelayAttempt(Instant at, Username user, MailAddress sendAs, String relayHost, int relayPort, String messageId,
                        int recipientCount, RelayOutcome.Kind outcome, Optional<Integer> replyCode) {
        this(at, user, sendAs, relayHost, relayPort, messageId, recipientCount, outcome, false, replyCode, PASSWORD);
    }

    /**
     * The outcome as the audit API and the domain overview name it (docs/API.md), names older than the finer kinds:
     * {@code PARTIALLY_DELIVERED} when some recipients got the mail, {@code BOUNCED} for a refusal, AUTH not offered
     * counted as {@code AUTH_REJECTED}, TLS failed and a target not allowed as {@code UNREACHABLE}.
     */
    public String reportedOutcome() {
        if (partiallyDelivered) {
            return "PARTIALLY_DELIVERED";
        }
        return switch (outcome) {
            case DELIVERED -> "DELIVERED";
            case REFUSED -> "BOUNCED";
            case DEFERRED, BUSY -> "DEFERRED";
            case AUTH_REJECTED, AUTH_NOT_OFFERED -> "AUTH_REJECTED";
            case UNREACHABLE, TLS_FAILED, NOT_ALLOWED_TARGET -> "UNREACHABLE";
        };
    }

    public String relay() {
        return relayHost + ":" + relayPort;
    }
}
