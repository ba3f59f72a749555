-- outbound-relay store, schema 9: a send-as address authenticates with a relay password or an OAuth 2.0 grant
-- (issue 12). credential_kind is PASSWORD or OAUTH; for OAUTH, oauth_provider_id names the provider and the
-- password_key_id / password_sealed columns hold the refresh token, sealed against "oauth-refresh:<address_key>"
-- (never in clear). Existing rows are password addresses. Portable SQL (H2 2.x, PostgreSQL).
ALTER TABLE outbound_relay_send_as ADD COLUMN credential_kind VARCHAR(16) DEFAULT 'PASSWORD' NOT NULL;
ALTER TABLE outbound_relay_send_as ADD COLUMN oauth_provider_id VARCHAR(64);

-- The audit trail says which kind of credential each attempt used: 'password' (existing rows) or 'oauth'
-- (RelayCredential.kind()).
ALTER TABLE outbound_relay_attempt ADD COLUMN credential_kind VARCHAR(16) DEFAULT 'password' NOT NULL;
