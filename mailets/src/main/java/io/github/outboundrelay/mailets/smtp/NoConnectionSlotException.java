package io.github.outboundrelay.mailets.smtp;

/**
 * Every connection {@code maxConnectionsPerRelay} allows to a relay stayed busy for the whole bounded wait. Nothing
 * failed: the mail is put back in the queue for a little while without counting an attempt.
 */
final class NoConnectionSlotException extends Exception {
    NoConnectionSlotException(RelaySessionKey.RelayEndpoint relay) {
        super("Every allowed connection to " + relay + " is busy");
    }
}
