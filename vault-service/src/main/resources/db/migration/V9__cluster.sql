-- Several vault instances on one database (docs/adr/0023-cluster-layout.md).

-- One row per scheduled job that must run on one instance only: an instance runs the job while it holds the row's lock
-- (others skip it), and only when the last run started at least most of a period ago (others do not run it again).
CREATE TABLE scheduled_job (
    name             TEXT        PRIMARY KEY,
    last_started_at  TIMESTAMPTZ NOT NULL DEFAULT '-infinity',
    last_finished_at TIMESTAMPTZ,
    runs             BIGINT      NOT NULL DEFAULT 0   -- runs committed so far, all instances together
);

-- One row per export, kept an hour: the export limit counts a citizen's exports across every instance.
CREATE TABLE export_event (
    owner       TEXT        NOT NULL,
    exported_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX export_event_owner ON export_event (owner, exported_at);
CREATE INDEX export_event_time ON export_event (exported_at);
