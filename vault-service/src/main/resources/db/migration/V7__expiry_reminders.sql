-- Reminders before a paper expires (docs/adr/0022-expiry-reminders.md). A row per reminder sent, inserted in the
-- transaction that sends it: its key makes a second send of the same reminder impossible, from any instance, after
-- any restart. A new validity date is a new paper: its reminders are owed again.
CREATE TABLE expiry_reminder (
    document_id UUID        NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    kind        TEXT        NOT NULL CHECK (kind IN ('soon', 'due')),
    valid_until DATE        NOT NULL,
    sent_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, kind, valid_until)
);

-- Citizens who turned the reminders off; gone with their key when the safe ends.
CREATE TABLE reminder_opt_out (
    owner      TEXT        PRIMARY KEY REFERENCES citizen_key (owner) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The job looks for papers by their validity date.
CREATE INDEX document_valid_until ON document (valid_until) WHERE valid_until IS NOT NULL;
