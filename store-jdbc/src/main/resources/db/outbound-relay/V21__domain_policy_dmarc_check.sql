-- outbound-relay store, schema 21 (issue 26, "DMARC-aware send-as"). Portable SQL (H2 2.x, PostgreSQL).

-- The domain admin's switch for the DMARC check of alternate addresses sent by our servers: on by default (existing
-- domains get the check; an admin turns it off with checkDmarc false).
ALTER TABLE outbound_relay_domain_policy ADD COLUMN dmarc_check BOOLEAN DEFAULT TRUE NOT NULL;
