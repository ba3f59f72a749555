-- outbound-relay store, schema 8: OAuth 2.0 providers set by the admin (issue 12). Portable SQL (H2 2.x, PostgreSQL).
-- The client secret is sealed like relay passwords (AES-GCM, context "oauth-provider:<id>"): key id and sealed bytes
-- only, both NULL for a public client. scopes: space-separated (RFC 6749 scope syntax); authorization_parameters:
-- form-encoded name=value pairs joined by '&'.
CREATE TABLE outbound_relay_oauth_provider (
    provider_id VARCHAR(64) NOT NULL PRIMARY KEY,
    authorization_endpoint VARCHAR(2048) NOT NULL,
    token_endpoint VARCHAR(2048) NOT NULL,
    device_endpoint VARCHAR(2048),
    client_id VARCHAR(1024) NOT NULL,
    client_secret_key_id VARCHAR(128),
    client_secret_sealed VARCHAR(16384),
    scopes VARCHAR(4096) NOT NULL,
    authorization_parameters VARCHAR(4096) NOT NULL,
    relay_host VARCHAR(255) NOT NULL,
    relay_port INTEGER NOT NULL,
    relay_security VARCHAR(16) NOT NULL,
    changed_version BIGINT NOT NULL
);
