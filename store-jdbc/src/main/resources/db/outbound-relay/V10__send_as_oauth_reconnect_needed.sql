-- outbound-relay store, schema 10: the provider refused an address's OAuth grant (invalid_grant) on some node, so its
-- user must connect the account again. Stored (not only in that node's memory) so that every node's health check and
-- the users' page say "reconnect"; connecting again stores a new grant with the mark cleared.
-- (Since this version, sealed secrets are bound to owner, address, relay or provider, and username: rows of earlier
-- versions are sealed again by the application at start, see SecretBindingUpgrade.) Portable SQL (H2 2.x, PostgreSQL).
ALTER TABLE outbound_relay_send_as ADD COLUMN oauth_reconnect_needed BOOLEAN DEFAULT FALSE NOT NULL;
