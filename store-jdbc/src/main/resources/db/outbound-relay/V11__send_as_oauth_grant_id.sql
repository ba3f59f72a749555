-- outbound-relay store, schema 11: which connection of an OAuth account an address holds (RelayCredential.OAuth's
-- grant id: a new one each time the account is connected, kept while its refresh token rotates or is sealed again).
-- Every node's token cache keys tokens by it, so an address removed and connected again on one node is another grant
-- on every node, whose tokens are never those of the one before. NULL (rows of earlier versions, password rows): the
-- id is derived from the stored sealing, the same on every node, and written with the next change of the row.
-- Portable SQL (H2 2.x, PostgreSQL).
ALTER TABLE outbound_relay_send_as ADD COLUMN oauth_grant_id VARCHAR(64);
