-- outbound-relay store, schema 4: a verification is about the relay's host, port, security and username
-- ("host|port|SECURITY|username"), no longer only host and username ("host|username"): a STARTTLS relay switched to
-- NONE, or moved to another port, is pending again. Portable SQL: the same script runs on H2 2.x and PostgreSQL.

-- States written before (the old form) that are about the address's current relay keep holding for it: rewritten to
-- the new form from the address's row. Any other state stays as it is and no longer matches (pending).
UPDATE outbound_relay_send_as_verification
SET relay_identity = (
    SELECT s.relay_host || '|' || CAST(s.relay_port AS VARCHAR(5)) || '|' || s.relay_security || '|' || s.relay_username
    FROM outbound_relay_send_as s
    WHERE s.address_key = outbound_relay_send_as_verification.address_key)
WHERE EXISTS (
    SELECT 1
    FROM outbound_relay_send_as s
    WHERE s.address_key = outbound_relay_send_as_verification.address_key
      AND outbound_relay_send_as_verification.relay_identity = s.relay_host || '|' || s.relay_username);
