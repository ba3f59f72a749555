-- outbound-relay store, schema 11: one-time upgrades of the stored data that need the application (its sealing key),
-- each marked done once it completed, so that it never runs again (issue 20, finding 13). The first one is
-- 'secret-binding' (SecretBindingUpgrade: secrets sealed for their address only, before V10, are sealed again bound to
-- their owner, relay and account). It used to run at every start: then a secret sealed the old way, written into a row
-- behind the application's back, was bound to whatever relay that row named. Once marked, such a secret never opens.
-- No row is written here: a store migrated from before V10 still gets the upgrade at its next start, a new one runs it
-- on no rows. Portable SQL (H2 2.x, PostgreSQL).
CREATE TABLE outbound_relay_upgrade (
    upgrade_name VARCHAR(64) NOT NULL PRIMARY KEY,
    done_at_ms BIGINT NOT NULL
);
