-- Citizens' keys and documents. Personal fields (title, original filename) are sealed under the document's own
-- key; contents live in S3 under random names. Deleting a row destroys its wrapped key (crypto-shredding).

CREATE TABLE citizen_key (
    owner         TEXT        PRIMARY KEY,          -- token subject: a pseudonymous identifier
    wrapped_key   BYTEA       NOT NULL,             -- the citizen's key, wrapped by the master key
    master_key_id TEXT        NOT NULL,             -- which master key wrapped it (rotation)
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE document (
    id              UUID        PRIMARY KEY,
    owner           TEXT        NOT NULL REFERENCES citizen_key (owner),
    type            TEXT        NOT NULL,
    title_sealed    BYTEA       NOT NULL,
    filename_sealed BYTEA       NOT NULL,
    content_type    TEXT        NOT NULL,
    size_bytes      BIGINT      NOT NULL CHECK (size_bytes >= 0),
    sha256          BYTEA       NOT NULL CHECK (octet_length(sha256) = 32),
    object_name     TEXT        NOT NULL UNIQUE,
    content_version INTEGER     NOT NULL,
    wrapped_key     BYTEA       NOT NULL,           -- the document's key, wrapped by the citizen's key
    valid_until     DATE,
    idempotency_key TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT document_idempotency UNIQUE (owner, idempotency_key)
);

CREATE INDEX document_owner_created ON document (owner, created_at DESC, id);
