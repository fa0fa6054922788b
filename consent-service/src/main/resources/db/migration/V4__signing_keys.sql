-- Keys that sign receipts and journal checkpoints (docs/adr/0014-consent-receipts-and-journal.md). Private keys are stored
-- wrapped (AES-256-GCM) under a key the service gets from its environment; a key is never deleted, so that every
-- receipt ever signed still verifies against the published JWKS.

CREATE TABLE signing_key (
    kid              TEXT        PRIMARY KEY,
    created_at       TIMESTAMPTZ NOT NULL,
    not_before       TIMESTAMPTZ NOT NULL,     -- published at once, used from then on (caches of the JWKS catch up)
    public_jwk       TEXT        NOT NULL,
    private_wrapped  BYTEA       NOT NULL
);

CREATE TRIGGER signing_key_append_only BEFORE UPDATE OR DELETE ON signing_key
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER signing_key_no_truncate BEFORE TRUNCATE ON signing_key
    FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();

REVOKE ALL ON signing_key FROM PUBLIC;
GRANT SELECT, INSERT ON signing_key TO ${runtimeRole};
