package io.github.outboundrelay.core;

import java.util.Optional;

import io.github.outboundrelay.core.net.RelayTargetGuard;

/**
 * What a relay made of one attempt (a delivery, a relay test, a code mail through it). Built once, where Jakarta Mail
 * answers (the mailets' session factories and SMTP client), and read as it is by the delivery worker, the relay test,
 * the audit trail, the health check and the pages: adding a kind of failure means adding one record here.
 *
 * <p>{@link #detail()} is the relay's reply or the network cause on one line ({@link Printable}), never anything we
 * sent (no credential); {@link #replyCode()} the relay's SMTP reply code when the attempt got one. {@link #kind()}
 * names the record, for the exhaustive switches of the surfaces (Java 17 has none over sealed types). The mailets'
 * {@code RelayOutcomes} builds them.</p>
 */
public sealed interface RelayOutcome {
    enum Kind {
        /** The relay took the mail for every recipient (a relay test: the session opened and authenticated). */
        DELIVERED,
        /** The relay refused for good (5xx): the mail is bounced with its reply. */
        REFUSED,
        /** A 4xx reply or trouble during the transaction: the mail waits and is tried again. */
        DEFERRED,
        /** The relay refused the credentials (535/534), or the OAuth provider the grant. */
        AUTH_REJECTED,
        /** The relay offered no SMTP AUTH we can use: nothing is sent unauthenticated. */
        AUTH_NOT_OFFERED,
        /** No SMTP session: the name does not resolve, nothing answers, a timeout, no greeting. */
        UNREACHABLE,
        /** The TLS handshake failed (an {@link javax.net.ssl.SSLException}), or TLS was not offered. */
        TLS_FAILED,
        /** The relay's port or address is not one user settings may reach ({@link RelayTargetGuard}). */
        NOT_ALLOWED_TARGET,
        /** Every allowed connection to the relay stayed busy: nothing was tried. */
        BUSY;

        /** Whether the relay itself looks unusable, as opposed to refusing or deferring one mail. */
        public boolean isRelayFailure() {
            return this == AUTH_REJECTED || this == AUTH_NOT_OFFERED || this == UNREACHABLE || this == TLS_FAILED
                || this == NOT_ALLOWED_TARGET;
        }

        /** Whether the account's credentials are at fault: the sender is told to update (or reconnect) them. */
        public boolean isCredentialFailure() {
            return this == AUTH_REJECTED || this == AUTH_NOT_OFFERED;
        }
    }

    Kind kind();

    String detail();

    Optional<Integer> replyCode();

    default boolean succeeded() {
        return kind() == Kind.DELIVERED;
    }

    record Delivered() implements RelayOutcome {
        private static final int OK = 250;

        public Kind kind() {
            return Kind.DELIVERED;
        }

        public String detail() {
            return "";
        }

        public Optional<Integer> replyCode() {
            return Optional.of(OK);
        }
    }

    record Refused(String detail, Optional<Integer> replyCode) implements RelayOutcome {
        public Kind kind() {
            return Kind.REFUSED;
        }
    }

    record Deferred(String detail, Optional<Integer> replyCode) implements RelayOutcome {
        public Kind kind() {
            return Kind.DEFERRED;
        }
    }

    record AuthRejected(String detail, Optional<Integer> replyCode) implements RelayOutcome {
        public Kind kind() {
            return Kind.AUTH_REJECTED;
        }
    }

    record AuthNotOffered(String detail, Optional<Integer> replyCode) implements RelayOutcome {
        public Kind kind() {
            return Kind.AUTH_NOT_OFFERED;
        }
    }

    record Unreachable(String detail, Optional<Integer> replyCode) implements RelayOutcome {
        public Kind kind() {
            return Kind.UNREACHABLE;
        }
    }

    record TlsFailed(String detail, Optional<Integer> replyCode) implements RelayOutcome {
        public Kind kind() {
            return Kind.TLS_FAILED;
        }
    }

    record NotAllowedTarget(String detail, Optional<Integer> replyCode) implements RelayOutcome {
        public Kind kind() {
            return Kind.NOT_ALLOWED_TARGET;
        }
    }

    record Busy(String detail, Optional<Integer> replyCode) implements RelayOutcome {
        public Kind kind() {
            return Kind.BUSY;
        }
    }
}
