-- outbound-relay store, schema 13: the admin who made a configuration change, by name. The admin area of the
-- self-service surface signs admins in with their James account: actor_name is that Username.asString(); NULL for a
-- user's own change (the owner is user_name) and for WebAdmin, whose callers are not named. Portable SQL (H2 2.x,
-- PostgreSQL).
ALTER TABLE outbound_relay_settings_event ADD COLUMN actor_name VARCHAR(512);
