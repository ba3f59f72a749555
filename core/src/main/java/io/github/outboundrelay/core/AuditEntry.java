package io.github.outboundrelay.core;

import java.time.Instant;

/**
 * One entry of the audit trail ({@code GET /outbound-relay/audit}): a relay attempt, or a configuration event. Both
 * kinds are listed together by {@link AuditTrail}, oldest first.
 */
public sealed interface AuditEntry permits RelayAttempt, SettingsEvent {
    Instant at();
}
