-- Retention of ended consents (docs/adr/0020-dpo-console-pseudonymisation-retention.md): once a consent ended
-- (revoked or expired) longer ago than the city keeps ended consents, and no journal entry names it any more (the
-- purge has redacted them all, which needs a signed checkpoint over them), the consent itself is deleted: its
-- subject, pairwise identifier, documents and receipt go with it.
--
-- The runtime role may delete a consent only then; the period itself is the service's setting, but a consent still
-- running, or one an entry of the journal still names, can never be deleted, whatever the service asks.

CREATE INDEX journal_entry_consent ON journal_entry (consent_id) WHERE consent_id IS NOT NULL;

CREATE FUNCTION consent_delete_when_ended_and_unnamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(OLD.revoked_at, OLD.expires_at) < now()
            AND NOT EXISTS (SELECT 1 FROM journal_entry WHERE consent_id = OLD.id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consent % is still running or named by the journal: it cannot be deleted', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER consent_delete_when_ended_and_unnamed BEFORE DELETE ON consent
    FOR EACH ROW EXECUTE FUNCTION consent_delete_when_ended_and_unnamed();

GRANT DELETE ON consent TO ${runtimeRole};

ALTER TABLE retention_purge ADD COLUMN consents_deleted INTEGER NOT NULL DEFAULT 0;
