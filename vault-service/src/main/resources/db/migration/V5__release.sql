-- Release requests pushed by recipient services (RFC 9126 pattern). Only the SHA-256 of the handle is kept: a copy of
-- this table gives no usable handle. Every instance of the vault sees the same requests.
CREATE TABLE release_request (
    handle_sha256  BYTEA       PRIMARY KEY CHECK (octet_length(handle_sha256) = 32),
    recipient      TEXT        NOT NULL,             -- the client (azp) that pushed it: the only possible recipient
    purpose        TEXT        NOT NULL,
    document_types TEXT        NOT NULL,             -- catalogue codes, separated by spaces
    duration       TEXT        NOT NULL,             -- ISO 8601, checked against the purpose's maximum when pushed
    return_uri     TEXT        NOT NULL,             -- one of the client's registered redirect URIs, exactly
    state          TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    consumed_at    TIMESTAMPTZ,                      -- single use: set once, by the consent or the refusal
    consumed_by    TEXT                              -- the citizen who answered
);

CREATE INDEX release_request_expiry ON release_request (expires_at);

-- What the vault owes consent-service's journal (releases ended by a deletion or a closure, refusals the vault
-- decided), written in the same transaction as the act, sent by a job that retries until consent-service takes it.
CREATE TABLE consent_outbox (
    id              BIGSERIAL   PRIMARY KEY,
    kind            TEXT        NOT NULL CHECK (kind IN ('ending', 'denial')),
    body            TEXT        NOT NULL,             -- the JSON body of POST /consents/endings or /denials
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at         TIMESTAMPTZ
);

CREATE INDEX consent_outbox_pending ON consent_outbox (next_attempt_at, id) WHERE sent_at IS NULL;
