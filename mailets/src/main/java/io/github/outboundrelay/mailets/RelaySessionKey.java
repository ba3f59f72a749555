package io.github.outboundrelay.mailets;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * What two mails must share to travel over the same authenticated SMTP session: the same relay, the same TLS mode,
 * the same username and the same password. The password is only present as a fingerprint, so a changed password
 * yields a new key (and a new session) while the clear password is never kept here. Two send-as addresses that use
 * one account share a key: their envelope senders are set per message.
 */
record RelaySessionKey(RelayEndpoint relay, RelaySecurity security, String username, String passwordFingerprint) {

    /** One relay as a place to connect to: the unit the per-relay connection cap counts. */
    record RelayEndpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    static RelaySessionKey of(SendAsAddress sendAs, String password, PasswordFingerprints fingerprints) {
        return new RelaySessionKey(new RelayEndpoint(sendAs.relay().host(), sendAs.relay().port()),
            sendAs.relay().security(), sendAs.relayUsername(), fingerprints.of(password));
    }

    /** For logs: never the fingerprint. */
    @Override
    public String toString() {
        return username + "@" + relay + " (" + security + ")";
    }
}
