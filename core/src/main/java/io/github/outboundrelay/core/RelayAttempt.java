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
 * @param replyCode  the relay's SMTP reply code, when the attempt got that far
 * @param credential the kind of credential the address authenticated with: {@code password} or {@code oauth}
 */
public record RelayAttempt(Instant at, Username user, MailAddress sendAs, String relayHost, int relayPort,
                           String messageId, int recipientCount, Outcome outcome, Optional<Integer> replyCode,
                           String credential) implements AuditEntry {
    public static final String PASSWORD = "password";

    public enum Outcome {
        DELIVERED,
        PARTIALLY_DELIVERED,
        /** A temporary failure (4xx, TLS or I/O trouble after connecting): the mail stays queued. */
        DEFERRED,
        /** A permanent refusal: the mail was bounced to its sender. */
        BOUNCED,
        /** The relay refused the credentials. */
        AUTH_REJECTED,
        /** No SMTP session could be opened: DNS, TCP, or the TLS handshake. */
        UNREACHABLE;

        /** Whether the relay itself looks unusable (as opposed to refusing one mail). */
        public boolean isRelayFailure() {
            return this == AUTH_REJECTED || this == UNREACHABLE;
        }
    }

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

    /** An attempt of a password address. */
    public RelayAttempt(Instant at, Username user, MailAddress sendAs, String relayHost, int relayPort, String messageId,
                        int recipientCount, Outcome outcome, Optional<Integer> replyCode) {
        this(at, user, sendAs, relayHost, relayPort, messageId, recipientCount, outcome, replyCode, PASSWORD);
    }

    public String relay() {
        return relayHost + ":" + relayPort;
    }
}
