package io.github.outboundrelay.mailets;

import java.time.Duration;

/**
 * How authenticated relay sessions are kept and shared.
 *
 * @param idleTimeout             an unused session is closed after this ({@code poolIdleTimeout}); keep it below the
 *                                relays' own idle timeouts (often 60 s or more) so we close first
 * @param maxMessagesPerSession   a session is closed after this many messages ({@code poolMaxMessagesPerSession});
 *                                {@code 1} turns reuse off: every mail gets a connection of its own
 * @param maxIdleSessionsPerKey   at most this many unused sessions are kept per relay and credential
 *                                ({@code poolMaxIdleSessionsPerCredential})
 * @param maxConnectionsPerRelay  never more connections than this open to one host and port, idle ones included
 *                                ({@code maxConnectionsPerRelay}), whatever {@code deliveryThreads} is
 */
public record RelayPoolSettings(Duration idleTimeout, int maxMessagesPerSession, int maxIdleSessionsPerKey,
                                int maxConnectionsPerRelay) {
}
