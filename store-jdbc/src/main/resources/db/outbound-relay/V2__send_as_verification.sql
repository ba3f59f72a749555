-- outbound-relay store, schema 2: the verification state of send-as addresses. Portable SQL: the same script runs
-- on H2 2.x and PostgreSQL.

-- One row per address that has a state (pending or verified); no row: pending, nothing sent. address_key is
-- SendAsKey, as in outbound_relay_send_as, but without a foreign key: a state may be written before its address
-- (the registry and the verifications are separate writes). Removing an address from the registry deletes its row
-- in the same transaction, so registering the address again starts pending.
-- relay_identity is what was verified ("host|username"): a verification holds only while the address keeps them.
-- The code is only ever stored hashed (salted SHA-256, Base64); code_* are all NULL when no code is outstanding.
-- Instants are ISO-8601 UTC text (2026-11-26T10:00:00.123456789Z), exact to the nanosecond on both databases;
-- codes_sent_at lists the recent sending times comma-separated, in order ('' for none).
CREATE TABLE outbound_relay_send_as_verification (
    address_key VARCHAR(512) NOT NULL PRIMARY KEY,
    status VARCHAR(16) NOT NULL,
    relay_identity VARCHAR(1300) NOT NULL,
    code_salt VARCHAR(128),
    code_hash VARCHAR(128),
    code_expires_at VARCHAR(40),
    failed_attempts INTEGER NOT NULL,
    codes_sent_at VARCHAR(4000) NOT NULL,
    changed_version BIGINT NOT NULL
);
