package io.github.outboundrelay.mailets.smtp;

import io.github.outboundrelay.core.RelayAccount;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * What two mails must share to travel over the same authenticated SMTP session: the same relay, the same TLS mode,
 * the same username and the same password. The password is only present as a fingerprint, so a changed password
 * yields a new key (and a new session) while the clear password is never kept here. Two send-as addresses that use
 * one account share a key: their envelope senders are set per message. An OAuth address is keyed by its grant
 * (owner, address, provider, account and which connection of it), not by a token: its sessions stay in the pool across
 * token refreshes (a session is authenticated once, when it is opened), and an address connected again never gets a
 * session authenticated for the grant before.
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
        RelayAccount account = sendAs.requireRelayAccount();
        return new RelaySessionKey(new RelayEndpoint(account.server().host(), account.server().port()),
            account.server().security(), account.username(), fingerprints.of(password));
    }

    static RelaySessionKey of(SendAsAddress sendAs, RelayLogin login, PasswordFingerprints fingerprints) {
        if (login instanceof RelayLogin.WithOAuth oauth) {
            return of(sendAs, "oauth|" + oauth.grant().key().identity(), fingerprints);
        }
        return of(sendAs, ((RelayLogin.WithPassword) login).password(), fingerprints);
    }

    /** For logs: never the fingerprint. */
    @Override
    public String toString() {
        return username + "@" + relay + " (" + security + ")";
    }
}
