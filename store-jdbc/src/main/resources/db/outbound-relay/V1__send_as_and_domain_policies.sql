-- outbound-relay store, schema 1. Portable SQL: the same script runs on H2 2.x and PostgreSQL.
-- Every table is prefixed so that the store may share a database (and Flyway's history table is
-- outbound_relay_schema_history for the same reason).

-- The store's version: one row, incremented by every write in the write's own transaction. Its row lock
-- serializes writers (across James nodes too), so versions are committed in increasing order and a reader that
-- has seen version N has seen every change up to N.
CREATE TABLE outbound_relay_version (
    id INTEGER NOT NULL PRIMARY KEY,
    current_version BIGINT NOT NULL
);
INSERT INTO outbound_relay_version (id, current_version) VALUES (1, 0);

-- Send-as addresses. address_key is SendAsKey (case-folded, IDN in ASCII); the password is sealed
-- (AES-GCM, see SecretSealer): only the key id and the sealed bytes are stored, never the clear password.
CREATE TABLE outbound_relay_send_as (
    address_key VARCHAR(512) NOT NULL PRIMARY KEY,
    address VARCHAR(512) NOT NULL,
    owner_name VARCHAR(512) NOT NULL,
    relay_host VARCHAR(255) NOT NULL,
    relay_port INTEGER NOT NULL,
    relay_security VARCHAR(16) NOT NULL,
    relay_username VARCHAR(1024) NOT NULL,
    password_key_id VARCHAR(128) NOT NULL,
    password_sealed VARCHAR(16384) NOT NULL,
    changed_version BIGINT NOT NULL
);
CREATE INDEX outbound_relay_send_as_owner ON outbound_relay_send_as (owner_name);

-- Domain policies; a domain without a row has the default policy (relay off, insecure relays off).
CREATE TABLE outbound_relay_domain_policy (
    domain_name VARCHAR(255) NOT NULL PRIMARY KEY,
    relay_allowed BOOLEAN NOT NULL,
    insecure_relay_allowed BOOLEAN NOT NULL,
    changed_version BIGINT NOT NULL
);

-- One row per write: which entity changed at which version. Nodes poll it (version > last seen) and reload only
-- those entities into their in-memory view.
CREATE TABLE outbound_relay_change (
    change_version BIGINT NOT NULL PRIMARY KEY,
    entity_kind VARCHAR(16) NOT NULL,
    entity_key VARCHAR(512) NOT NULL
);
