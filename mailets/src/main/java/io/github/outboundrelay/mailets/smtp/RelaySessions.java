package io.github.outboundrelay.mailets.smtp;

import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * Opens a relay session with whatever the address authenticates with: a password ({@link RelaySessionFactory}) or an
 * access token of its OAuth grant ({@link OAuthRelaySessionFactory}), with the same connection rules either way.
 */
class RelaySessions {
    private final RelaySessionFactory passwordSessions;
    private final OAuthRelaySessionFactory oauthSessions;

    /** @param oauthSessions null where no OAuth address can occur (password-only tests) */
    RelaySessions(RelaySessionFactory passwordSessions, OAuthRelaySessionFactory oauthSessions) {
        this.passwordSessions = passwordSessions;
        this.oauthSessions = oauthSessions;
    }

    RelaySession open(RelaySessionKey key, SendAsAddress sendAs, RelayLogin login) throws RelayConnectException {
        if (login instanceof RelayLogin.WithOAuth oauth) {
            if (oauthSessions == null) {
                throw new IllegalStateException("No OAuth session factory: " + sendAs.address().asString() + " cannot be relayed");
            }
            return oauthSessions.open(key, sendAs.requireRelayAccount().server(), sendAs.requireRelayAccount().username(), oauth.grant());
        }
        return passwordSessions.open(key, sendAs, ((RelayLogin.WithPassword) login).password());
    }
}
