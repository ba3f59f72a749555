package io.github.outboundrelay.core;

import java.util.Optional;

/**
 * What the admin API needs from the relay delivery, so that a relay is judged by exactly the rules (allowed targets,
 * TLS, trust store, timeouts) that will deliver its mail: check a relay target, try a relay (connect, TLS, AUTH, no
 * mail), and mail a verification code through it. Installed by the OutboundRelayDelivery mailet when it starts.
 */
public interface RelayProbe {
    /**
     * @throws RelayTargetGuard.RelayTargetRefusedException when the relay's port or address is not an allowed target
     */
    void checkTarget(RelayServer relay);

    ProbeResult probe(SendAsAddress sendAs, RelayLogin login);

    /**
     * Sends a mail holding the code to the address: by the normal path, or, where the delivery is configured so and
     * {@code relayLogin} is given (the address's relay may carry its mail), through that relay from the address.
     */
    ProbeResult sendVerificationCode(SendAsAddress sendAs, Optional<RelayLogin> relayLogin, String code);

    /** The outcome of trying a relay, with a reason class and a sanitized detail (a relay reply, never a secret). */
    record ProbeResult(Failure failure, String detail) {
        public enum Failure { NONE, UNREACHABLE, TLS_FAILED, AUTH_REJECTED, AUTH_NOT_OFFERED, NOT_ALLOWED_TARGET, REFUSED }

        public static ProbeResult ok() {
            return new ProbeResult(Failure.NONE, "");
        }

        public static ProbeResult failed(Failure failure, String detail) {
            return new ProbeResult(failure, detail);
        }

        public boolean isOk() {
            return failure == Failure.NONE;
        }
    }
}
