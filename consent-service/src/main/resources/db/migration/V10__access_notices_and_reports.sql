-- The citizen's side of the journal (docs/adr/0025-access-notices-and-reports.md).
--
-- access_notice: one row per access entry of the journal whose e-mail was handled (sent, or not owed). The access
-- entry itself is the durable record written with the access; this row, claimed in the transaction that hands the
-- message to the relay, makes the e-mail once. Accesses journaled before this migration are marked handled here, so
-- that turning the feature on sends nothing about the past.
CREATE TABLE access_notice (
    entry_seq   BIGINT      PRIMARY KEY,
    handled_at  TIMESTAMPTZ NOT NULL,
    outcome     TEXT        NOT NULL CHECK (outcome IN ('sent', 'opted-out', 'no-address', 'before-notices'))
);

INSERT INTO access_notice (entry_seq, handled_at, outcome)
SELECT seq, now(), 'before-notices' FROM journal_entry WHERE kind = 'access';

-- A citizen who turned the e-mails off (on by default).
CREATE TABLE access_notice_opt_out (
    subject     TEXT        PRIMARY KEY,
    since       TIMESTAMPTZ NOT NULL
);

-- « Signaler au DPO »: a citizen's report on entries about themselves, with the signed extract of those entries, and
-- its follow-up by the DPO (every change is journaled too).
CREATE TABLE dpo_report (
    id          UUID        PRIMARY KEY,
    subject     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    entry_seqs  BIGINT[]    NOT NULL CHECK (cardinality(entry_seqs) BETWEEN 1 AND 50),
    comment     TEXT        NOT NULL CHECK (char_length(comment) BETWEEN 1 AND 2000),
    extract     TEXT        NOT NULL,   -- compact JWS (ES256), typ journal-extract+jws
    status      TEXT        NOT NULL CHECK (status IN ('new', 'in-progress', 'answered')),
    note        TEXT                    CHECK (char_length(note) <= 2000),
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT
);

CREATE INDEX dpo_report_subject ON dpo_report (subject, created_at DESC);
CREATE INDEX dpo_report_created ON dpo_report (created_at DESC, id);

REVOKE ALL ON access_notice, access_notice_opt_out, dpo_report FROM PUBLIC;
GRANT SELECT, INSERT ON access_notice TO ${runtimeRole};
GRANT SELECT, INSERT, DELETE ON access_notice_opt_out TO ${runtimeRole};
GRANT SELECT, INSERT ON dpo_report TO ${runtimeRole};
GRANT UPDATE (status, note, updated_at, updated_by) ON dpo_report TO ${runtimeRole};
