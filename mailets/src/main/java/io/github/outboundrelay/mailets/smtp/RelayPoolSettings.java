package io.github.outboundrelay.mailets.smtp;

import java.time.Duration;

/**
 * How authenticated relay sessions are kept and shared. Two bounds per relay host and port: the sessions carrying a
 * mail at once ({@code maxConnectionsPerRelay}), and every connection open to it, carrying a mail, idle or being
 * closed ({@code maxOpenConnectionsPerRelay}). Between the two, idle sessions are kept for the accounts that sent
 * within {@code poolIdleTimeout}: as many as there are such accounts (up to {@code poolMaxIdleSessionsPerCredential}
 * each), not a fixed number, so that every account that is sending finds its session.
 *
 * @param idleTimeout                an unused session is closed after this ({@code poolIdleTimeout}): the window in
 *                                   which an account counts as sending; keep it below the relays' own idle timeouts
 *                                   (often 60 s or more) so we close first
 * @param maxMessagesPerSession      a session is closed after this many messages ({@code poolMaxMessagesPerSession});
 *                                   {@code 1} turns reuse off: every mail gets a connection of its own
 * @param maxIdleSessionsPerKey      at most this many unused sessions are kept per relay and credential
 *                                   ({@code poolMaxIdleSessionsPerCredential})
 * @param maxOpenConnectionsPerRelay never more connections than this open to one host and port at once, all accounts
 *                                   together ({@code maxOpenConnectionsPerRelay}); to open one more, the pool closes an
 *                                   idle session first (a second one of some account, else the least recently used)
 * @param maxConnectionsPerRelay     never more sessions than this carrying a mail to one host and port at once,
 *                                   whatever the accounts and {@code deliveryThreads} ({@code maxConnectionsPerRelay})
 */
public record RelayPoolSettings(Duration idleTimeout, int maxMessagesPerSession, int maxIdleSessionsPerKey,
                                int maxOpenConnectionsPerRelay, int maxConnectionsPerRelay) {
}
