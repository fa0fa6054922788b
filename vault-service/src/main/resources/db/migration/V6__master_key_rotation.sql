-- Master keys and their rotation (docs/adr/0016-master-key-rotation.md). The key material stays in its store (PKCS#12
-- file or PKCS#11 token); this table only names the keys, says where each lives and which one is current.
CREATE TABLE master_key (
    id         TEXT        PRIMARY KEY,            -- alias (PKCS#12) or label (PKCS#11); named in every sealed citizen key
    store      TEXT        NOT NULL CHECK (store IN ('pkcs12', 'pkcs11')),
    state      TEXT        NOT NULL CHECK (state IN ('current', 'previous', 'retired')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX master_key_one_current ON master_key ((true)) WHERE state = 'current';

-- One row per rotation: every citizen key is rewrapped under target_key, in batches; each batch commits its rows and
-- this row's progress together, so a crash resumes after the last committed batch.
CREATE TABLE master_key_rotation (
    id             BIGSERIAL   PRIMARY KEY,
    target_key     TEXT        NOT NULL REFERENCES master_key (id),
    state          TEXT        NOT NULL CHECK (state IN ('running', 'done')),
    total          BIGINT      NOT NULL,           -- citizen keys under other master keys when it started
    done           BIGINT      NOT NULL DEFAULT 0, -- citizen keys rewrapped so far
    left_over      BIGINT,                         -- at the end: keys that would not open, still under an old key
    cursor_owner   TEXT        NOT NULL DEFAULT '',-- the pass goes through citizen keys in owner order
    pass_rewrapped BIGINT      NOT NULL DEFAULT 0,
    started_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX master_key_rotation_one_running ON master_key_rotation ((true)) WHERE state = 'running';

-- Finds the citizen keys still under a given master key (progress, retirement refusal).
CREATE INDEX citizen_key_master_key ON citizen_key (master_key_id);
