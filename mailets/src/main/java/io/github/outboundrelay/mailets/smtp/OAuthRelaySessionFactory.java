package io.github.outboundrelay.mailets.smtp;

import java.net.InetAddress;
import java.util.Properties;

import javax.mail.MessagingException;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.oauth.AccessToken;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthException;
import io.github.outboundrelay.core.oauth.OAuthGrant;

/**
 * Opens one relay session authenticated with an OAuth 2.0 access token instead of a password: the same connection
 * rules as {@link RelaySessionFactory} (checked address, TLS mode, certificate and host name, no AUTH in clear unless
 * allowed, the same timeouts), then AUTH OAUTHBEARER or XOAUTH2, whichever the relay announces.
 *
 * <p>A token is taken from the {@link AccessTokenCache} before connecting (no connection is opened while the token
 * endpoint is down or the grant revoked). A relay answering 535 to a cached token may have seen it revoked early: the
 * token is dropped and the exchange tried once more on the same connection with a freshly refreshed one; a 535 to that
 * one means the relay refuses the account ({@link io.github.outboundrelay.core.RelayOutcome.AuthRejected}).</p>
 */
class OAuthRelaySessionFactory {
    private static final int AUTH_OK = 235;
    private static final int AUTH_CONTINUE = 334;
    private static final int CREDENTIALS_REFUSED = 535;
    private static final int STRONGER_CREDENTIALS_NEEDED = 534;

    private final RelaySessionFactory passwordSessions;
    private final AccessTokenCache tokens;
    /** Sessions of their own: AUTH is ours to send, so javax.mail's own (mail.smtp.auth) stays off on them. */
    private final RelayMailSessions mailSessions = new RelayMailSessions();

    OAuthRelaySessionFactory(RelaySessionFactory passwordSessions, AccessTokenCache tokens) {
        this.passwordSessions = passwordSessions;
        this.tokens = tokens;
    }

    /** @param username the account named in the SASL exchange (the partner mailbox) */
    RelaySession open(RelaySessionKey key, RelayServer relay, String username, OAuthGrant grant) throws RelayConnectException {
        AccessToken token = token(grant, relay);
        InetAddress checked = passwordSessions.checkedAddress(relay);
        RelaySecurity security = relay.security();
        RelayTransport transport = mailSessions.newTransport(security, relay.host(), () -> properties(security, relay.host()));
        AttemptDeadline.watchCurrent(transport);
        try {
            transport.connect(checked.getHostAddress(), relay.port(), null, null);
            OAuthSaslMechanism mechanism = OAuthSaslMechanism.choose(transport.getExtensionParameter("AUTH"))
                .orElseThrow(() -> new RelayConnectException(RelayOutcomes.unreachable("Relay "
                    + relay.host() + " offers neither AUTH XOAUTH2 nor OAUTHBEARER")));
            int reply = authenticate(transport, mechanism, username, relay, token);
            if (isRefusal(reply)) {
                tokens.invalidate(grant, token);
                reply = authenticate(transport, mechanism, username, relay, token(grant, relay));
                if (isRefusal(reply)) {
                    throw new RelayConnectException(RelayOutcomes.authRejected("Relay " + relay.host()
                        + " refused a fresh OAuth token of " + username + ": " + lastReply(transport)));
                }
            }
            if (reply != AUTH_OK) {
                throw new RelayConnectException(RelayOutcomes.unreachable("Relay " + relay.host()
                    + " could not authenticate " + username + " with " + mechanism + ": " + lastReply(transport)));
            }
            return new RelaySession(key, transport);
        } catch (RelayConnectException e) {
            transport.closeQuietly();
            throw e;
        } catch (MessagingException | RuntimeException e) {
            transport.closeQuietly();
            String why = transport.clearTextAuthRefused()
                ? "was not asked to authenticate: the connection was not encrypted"
                : "could not be used: " + RelayDiagnostics.describe(e);
            throw new RelayConnectException(RelayOutcomes.connectFailure(e, transport, "Relay " + relay.host() + " " + why));
        }
    }

    /**
     * One SASL exchange; returns the server's final reply code. The initial response holds the token: it goes out
     * through RelayTransport, which masks AUTH lines at DEBUG and refuses to send them in clear.
     */
    private static int authenticate(RelayTransport transport, OAuthSaslMechanism mechanism, String username,
                                    RelayServer relay, AccessToken token) throws MessagingException {
        int reply = transport.simpleCommand("AUTH " + mechanism.name() + " "
            + mechanism.initialResponse(username, relay.host(), relay.port(), token.value()));
        if (reply == AUTH_CONTINUE) {
            // The server's error challenge (JSON, base64): acknowledge it to get the final reply.
            reply = transport.simpleCommand(mechanism.abortResponse());
        }
        return reply;
    }

    private static boolean isRefusal(int reply) {
        return reply == CREDENTIALS_REFUSED || reply == STRONGER_CREDENTIALS_NEEDED;
    }

    private AccessToken token(OAuthGrant grant, RelayServer relay) throws RelayConnectException {
        try {
            return tokens.get(grant);
        } catch (OAuthException e) {
            String detail = "No OAuth token for " + relay.host() + ": " + e.getMessage();
            throw new RelayConnectException(switch (e.kind()) {
                // Like a refused password: the mail waits, the user is told to reconnect the account.
                case RECONNECT_NEEDED, DENIED -> RelayOutcomes.authRejected(detail);
                // Like a relay outage: retried on the usual schedule.
                case TEMPORARY, MISCONFIGURED -> RelayOutcomes.unreachable(detail);
            });
        }
    }

    private Properties properties(RelaySecurity security, String host) {
        Properties properties = passwordSessions.properties(security, host);
        properties.put("mail.smtp.auth", "false");
        return properties;
    }

    private static String lastReply(RelayTransport transport) {
        return RelayDiagnostics.reply(transport.getLastServerResponse());
    }
}
