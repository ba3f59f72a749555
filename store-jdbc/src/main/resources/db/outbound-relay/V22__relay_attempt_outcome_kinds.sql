-- outbound-relay store, schema 22 (issue 21, "one relay outcome"). Portable SQL (H2 2.x, PostgreSQL).

-- outcome now holds RelayOutcome.Kind's name (DELIVERED, REFUSED, DEFERRED, AUTH_REJECTED, AUTH_NOT_OFFERED,
-- UNREACHABLE, TLS_FAILED, NOT_ALLOWED_TARGET), and a mail that reached some of its recipients only is told by
-- partially_delivered instead of an outcome of its own; the admin API still names them as before
-- (RelayAttempt.reportedOutcome). Rows written before: BOUNCED is REFUSED; PARTIALLY_DELIVERED was, as documented,
-- "some recipients refused with 5xx", so REFUSED and partially delivered. A node not upgraded yet may still write the
-- old names for a while: JdbcRelayAttemptLog reads them the same way.
ALTER TABLE outbound_relay_attempt ADD COLUMN partially_delivered BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE outbound_relay_attempt SET outcome = 'REFUSED', partially_delivered = TRUE WHERE outcome = 'PARTIALLY_DELIVERED';
UPDATE outbound_relay_attempt SET outcome = 'REFUSED' WHERE outcome = 'BOUNCED';
