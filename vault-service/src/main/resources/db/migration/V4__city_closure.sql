-- A closure decided by the city (e.g. long inactivity): months of notice, during which the safe stays open, then a
-- long retrieval-only period. A citizen's own closure is retrieval-only at once (retrieval_only_from = request time).
ALTER TABLE citizen_key ADD COLUMN retrieval_only_from TIMESTAMPTZ;
UPDATE citizen_key SET retrieval_only_from = now() WHERE retrieval_only_until IS NOT NULL;

-- Messages the vault owes citizens, written in the same transaction as the decision they announce (outbox), sent
-- by a job that retries until the relay takes them: a decision is never taken without its notice being kept.
CREATE TABLE safe_notice (
    id         BIGSERIAL   PRIMARY KEY,
    owner      TEXT        NOT NULL REFERENCES citizen_key (owner) ON DELETE CASCADE,
    kind       TEXT        NOT NULL CHECK (kind IN ('city-closure')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at    TIMESTAMPTZ,
    attempts   INTEGER     NOT NULL DEFAULT 0
);

CREATE INDEX safe_notice_pending ON safe_notice (created_at) WHERE sent_at IS NULL;
