-- Closing a safe (décret 2018-853): it stays retrieval-only until this instant, then every key is destroyed.
ALTER TABLE citizen_key
    ADD COLUMN retrieval_only_until TIMESTAMPTZ,
    ADD COLUMN closure_decided_by   TEXT CHECK (closure_decided_by IN ('citizen', 'city'));

CREATE INDEX citizen_key_closure_due ON citizen_key (retrieval_only_until) WHERE retrieval_only_until IS NOT NULL;
