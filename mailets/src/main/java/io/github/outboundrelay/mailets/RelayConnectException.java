package io.github.outboundrelay.mailets;

/**
 * A session to a relay could not be opened. {@link Reason} tells the worker what to do; the message is the server's
 * reply or the network cause, never anything we sent.
 */
final class RelayConnectException extends Exception {
    enum Reason {
        /** The relay answered 535: the username or password is wrong or out of date. */
        CREDENTIALS_REJECTED,
        /**
         * The relay did not offer SMTP AUTH, or no mechanism we can use: we never send mail unauthenticated through a
         * relay we hold credentials for (it would prove nothing and could relay as anyone); handled like a 535.
         */
        AUTH_NOT_OFFERED,
        /** The relay's port or address is not one user settings may reach (see RelayTargetGuard). */
        NOT_ALLOWED_TARGET,
        /** Anything else: unreachable, TLS failure, timeout, 4xx, AUTH we would not send in clear. */
        UNAVAILABLE
    }

    private final Reason reason;

    RelayConnectException(Reason reason, String diagnostic) {
        super(diagnostic);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
