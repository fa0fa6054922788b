-- Consent records (ISO/IEC TS 27560, Kantara consent receipt fields). Migrations run as the database owner; the
-- service connects as the runtime role ${runtimeRole}, which may read and add consents and only end them.

CREATE TABLE consent (
    id                 UUID        PRIMARY KEY,
    subject            TEXT        NOT NULL,           -- the citizen's sub (pseudonymous identifier of the realm)
    pairwise_subject   TEXT        NOT NULL,           -- what the recipient knows the citizen as
    recipient          TEXT        NOT NULL,           -- the controller: the recipient's client id
    recipient_name     TEXT        NOT NULL,
    purpose            TEXT        NOT NULL,
    purpose_label      TEXT        NOT NULL,
    legal_basis        TEXT        NOT NULL CHECK (legal_basis IN ('consent', 'legal-obligation', 'public-task')),
    document_types     TEXT[]      NOT NULL CHECK (cardinality(document_types) > 0),
    document_ids       UUID[]      NOT NULL CHECK (cardinality(document_ids) > 0),
    granted_at         TIMESTAMPTZ NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL,
    revoked_at         TIMESTAMPTZ,
    revocation_reason  TEXT        CHECK (revocation_reason IN ('citizen', 'document-deleted', 'safe-closed')),
    collection_method  TEXT        NOT NULL CHECK (collection_method IN ('service-request', 'citizen-initiative')),
    notice_version     TEXT        NOT NULL,
    receipt            TEXT        NOT NULL,           -- compact JWS, as handed to the citizen
    CHECK (expires_at > granted_at),
    CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);

CREATE INDEX consent_subject_granted ON consent (subject, granted_at DESC);
CREATE INDEX consent_document_ids ON consent USING GIN (document_ids);

REVOKE ALL ON consent FROM PUBLIC;
GRANT SELECT, INSERT ON consent TO ${runtimeRole};
-- Ending a consent is the only change a consent ever sees.
GRANT UPDATE (revoked_at, revocation_reason) ON consent TO ${runtimeRole};
