-- outbound-relay store, schema 20 (issue 22, "send mail as through our own servers"). Portable SQL (H2 2.x, PostgreSQL).

-- An alternate address may have no relay: our own servers then send its mail, on behalf of its owner. Such a row has
-- every relay column NULL (host, port, security, username, the sealed secret, its kind and provider): one relay
-- account, all there or none (SendAsAddress.relayAccount). Rows written before all have a relay.
ALTER TABLE outbound_relay_send_as ALTER COLUMN relay_host DROP NOT NULL;
ALTER TABLE outbound_relay_send_as ALTER COLUMN relay_port DROP NOT NULL;
ALTER TABLE outbound_relay_send_as ALTER COLUMN relay_security DROP NOT NULL;
ALTER TABLE outbound_relay_send_as ALTER COLUMN relay_username DROP NOT NULL;
ALTER TABLE outbound_relay_send_as ALTER COLUMN password_key_id DROP NOT NULL;
ALTER TABLE outbound_relay_send_as ALTER COLUMN password_sealed DROP NOT NULL;
ALTER TABLE outbound_relay_send_as ALTER COLUMN credential_kind DROP NOT NULL;

-- The domain admin's switch for alternate addresses, beside relay_allowed: on by default, as in Gmail (existing
-- domains keep sending as their verified addresses; relay_allowed keeps its meaning and its default, off).
ALTER TABLE outbound_relay_domain_policy ADD COLUMN alternate_addresses_allowed BOOLEAN DEFAULT TRUE NOT NULL;
