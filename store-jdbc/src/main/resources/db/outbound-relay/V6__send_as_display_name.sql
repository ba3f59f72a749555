-- outbound-relay store, schema 6: the optional name shown with a send-as address (SendAsAddress.displayName, the JMAP
-- identity's name). NULL when the user set none. Portable SQL: the same script runs on H2 2.x and PostgreSQL.
ALTER TABLE outbound_relay_send_as ADD COLUMN display_name VARCHAR(400);
