package io.github.outboundrelay.mailets.smtp;

import io.github.outboundrelay.core.RelayOutcome;

/**
 * A session to a relay could not be opened; {@link #outcome()} says why (unreachable, TLS failed, AUTH rejected or
 * not offered, not an allowed target), with the server's reply or the network cause, never anything we sent.
 */
final class RelayConnectException extends Exception {
    private final transient RelayOutcome outcome;

    RelayConnectException(RelayOutcome outcome) {
        super(outcome.detail());
        this.outcome = outcome;
    }

    RelayOutcome outcome() {
        return outcome;
    }
}
