package io.github.outboundrelay.mailets;

import java.time.Duration;

/**
 * How authenticated relay sessions are kept and shared. Sessions in use and idle ones are bounded apart, so at most
 * {@code maxConnectionsPerRelay + maxIdleSessionsPerRelay} connections are ever open to one relay host and port
 * (10 + 40 by default: 50, the number of connections per client a Postfix relay allows by default,
 * {@code smtpd_client_connection_count_limit}).
 *
 * @param idleTimeout             an unused session is closed after this ({@code poolIdleTimeout}); keep it below the
 *                                relays' own idle timeouts (often 60 s or more) so we close first
 * @param maxMessagesPerSession   a session is closed after this many messages ({@code poolMaxMessagesPerSession});
 *                                {@code 1} turns reuse off: every mail gets a connection of its own
 * @param maxIdleSessionsPerKey   at most this many unused sessions are kept per relay and credential
 *                                ({@code poolMaxIdleSessionsPerCredential})
 * @param maxIdleSessionsPerRelay at most this many unused sessions are kept per relay host and port, all accounts
 *                                together ({@code poolMaxIdleSessionsPerRelay}); past it the least recently used one
 *                                is closed
 * @param maxConnectionsPerRelay  never more sessions than this carrying a mail to one host and port at once, whatever
 *                                the accounts and {@code deliveryThreads} ({@code maxConnectionsPerRelay}); idle
 *                                sessions do not count
 */
public record RelayPoolSettings(Duration idleTimeout, int maxMessagesPerSession, int maxIdleSessionsPerKey,
                                int maxIdleSessionsPerRelay, int maxConnectionsPerRelay) {
}
