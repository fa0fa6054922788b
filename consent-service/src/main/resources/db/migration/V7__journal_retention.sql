-- Retention of the journal (docs/adr/0020-dpo-console-pseudonymisation-retention.md). An entry past its retention
-- period is redacted, not deleted: its personal fields (actor, subject, consent, document, reason, digest, and a
-- security event's details, which may hold a network address: V5) are
-- emptied and purged_at is set, while its place in the chain (seq, hashes), its time, kind, recipient and purpose stay.
-- The verifier then checks a redacted entry by its links (its prev_hash is the hash before it, the next entry's
-- prev_hash is its hash) and by the signed checkpoints that cover it, instead of recomputing its hash.
--
-- The trigger still refuses every other change, and a redaction of an entry that no signed checkpoint covers yet:
-- only an anchored hash may stop being recomputable.

ALTER TABLE journal_entry ADD COLUMN purged_at TIMESTAMPTZ;

CREATE FUNCTION journal_entry_redaction_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL
            AND NEW.seq = OLD.seq AND NEW.recorded_at = OLD.recorded_at AND NEW.kind = OLD.kind
            AND NEW.recipient IS NOT DISTINCT FROM OLD.recipient AND NEW.purpose IS NOT DISTINCT FROM OLD.purpose
            AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
            AND NEW.actor IS NULL AND NEW.subject IS NULL AND NEW.consent_id IS NULL AND NEW.document_id IS NULL
            AND NEW.reason IS NULL AND NEW.digest IS NULL AND NEW.details IS NULL
            AND NEW.event_id IS NOT DISTINCT FROM OLD.event_id AND NEW.client_id IS NOT DISTINCT FROM OLD.client_id
            AND NEW.outcome IS NOT DISTINCT FROM OLD.outcome
            AND OLD.seq <= (SELECT coalesce(max(size), 0) FROM journal_checkpoint) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the journal is append-only: % on % refused (only the redaction of a checkpointed entry is allowed)',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER journal_entry_append_only ON journal_entry;
CREATE TRIGGER journal_entry_no_delete BEFORE DELETE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_entry_redaction_only BEFORE UPDATE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION journal_entry_redaction_only();

GRANT UPDATE (actor, subject, consent_id, document_id, reason, digest, details, purged_at) ON journal_entry TO ${runtimeRole};

-- Each purge: when, up to which times, how many entries of each group it redacted, and the journal entry that records
-- it (written after the purge's own transaction, and written again by the next run if a crash came in between).
CREATE TABLE retention_purge (
    id                 UUID        PRIMARY KEY,
    ran_at             TIMESTAMPTZ NOT NULL,
    anchored_size      BIGINT      NOT NULL,   -- entries up to this seq were eligible (the latest checkpoint's size)
    access_cutoff      TIMESTAMPTZ NOT NULL,
    security_cutoff    TIMESTAMPTZ NOT NULL,
    consent_cutoff     TIMESTAMPTZ NOT NULL,
    access_events      INTEGER     NOT NULL,
    security_events    INTEGER     NOT NULL,
    consent_events     INTEGER     NOT NULL,
    journal_seq        BIGINT                  -- the retention.purge entry, once written
);

CREATE INDEX journal_entry_unpurged ON journal_entry (recorded_at) WHERE purged_at IS NULL;

REVOKE ALL ON retention_purge FROM PUBLIC;
GRANT SELECT, INSERT ON retention_purge TO ${runtimeRole};
GRANT UPDATE (journal_seq) ON retention_purge TO ${runtimeRole};
