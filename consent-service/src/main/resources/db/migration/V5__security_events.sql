-- Keycloak's security events in the journal (docs/journal-events.md, docs/adr/0019-security-events-outbox.md).
-- Four columns, NULL on every entry written before and on every entry that is not a security event, so that the
-- hash of those entries is unchanged (Canonical encodes them as before when all four are NULL):
--   event_id  Keycloak's event id: what makes a delivery retried after a crash land once (unique)
--   client_id the client the event happened through (a login's application)
--   outcome   success, or Keycloak's error code
--   details   the allow-listed details, canonical JSON (sorted keys)
-- Adding nullable columns rewrites no row: the append-only triggers are not involved.

ALTER TABLE journal_entry ADD COLUMN event_id TEXT;
ALTER TABLE journal_entry ADD COLUMN client_id TEXT;
ALTER TABLE journal_entry ADD COLUMN outcome TEXT;
ALTER TABLE journal_entry ADD COLUMN details TEXT;

CREATE UNIQUE INDEX journal_entry_event_id ON journal_entry (event_id) WHERE event_id IS NOT NULL;
-- The DPO's console reads security events by kind and time (failed-login spikes, lockouts).
CREATE INDEX journal_entry_kind ON journal_entry (kind, recorded_at);
