-- The tamper-evident journal: append-only entries, each carrying the hash of the previous one, and signed
-- checkpoints of the chain's head. The runtime role ${runtimeRole} may only read and append; a trigger refuses
-- UPDATE, DELETE and TRUNCATE to every role that has not disabled it (only an owner or a superuser can).

CREATE TABLE journal_entry (
    seq          BIGINT      PRIMARY KEY CHECK (seq > 0),   -- position in the chain, 1, 2, 3… without gaps
    recorded_at  TIMESTAMPTZ NOT NULL,
    kind         TEXT        NOT NULL,
    actor        TEXT,                                      -- who acted: a client id or a citizen's sub
    subject      TEXT,                                      -- the citizen concerned
    recipient    TEXT,
    consent_id   UUID,
    document_id  UUID,
    purpose      TEXT,
    reason       TEXT,
    digest       TEXT,                                      -- Repr-Digest of what was delivered
    prev_hash    BYTEA       NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash         BYTEA       NOT NULL CHECK (octet_length(hash) = 32)
);

CREATE INDEX journal_entry_subject ON journal_entry (subject, seq DESC) WHERE subject IS NOT NULL;
CREATE INDEX journal_entry_recipient ON journal_entry (recipient, seq DESC) WHERE recipient IS NOT NULL;

CREATE TABLE journal_checkpoint (
    size        BIGINT      PRIMARY KEY CHECK (size > 0),   -- number of entries covered: 1..size
    head_hash   BYTEA       NOT NULL CHECK (octet_length(head_hash) = 32),
    created_at  TIMESTAMPTZ NOT NULL,
    key_id      TEXT        NOT NULL,
    signature   TEXT        NOT NULL                        -- compact JWS (ES256) over size, head and time
);

CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON journal_entry
    FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_checkpoint_append_only BEFORE UPDATE OR DELETE ON journal_checkpoint
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_checkpoint_no_truncate BEFORE TRUNCATE ON journal_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();

REVOKE ALL ON journal_entry, journal_checkpoint FROM PUBLIC;
GRANT SELECT, INSERT ON journal_entry, journal_checkpoint TO ${runtimeRole};
