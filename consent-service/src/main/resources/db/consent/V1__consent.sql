-- consent-service schema: purposes, the consent ledger and current state, the subjects it knows,
-- and every consent decision handed out. Every table carries workspace_id; every query filters by it.

-- Purposes a workspace declares, with the default consent per jurisdiction ("*" = anywhere else).
-- An undeclared purpose is opt-in (default denied) everywhere.
CREATE TABLE purposes (
    workspace_id TEXT        NOT NULL,
    key          TEXT        NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
    name         TEXT        NOT NULL,
    description  TEXT,
    defaults     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, key)
);

-- The ledger: every consent statement ever recorded, append-only.
CREATE TABLE consent_records (
    workspace_id     TEXT        NOT NULL,
    id               UUID        NOT NULL,
    profile_id       TEXT        NOT NULL,
    purpose          TEXT        NOT NULL,
    granted          BOOLEAN     NOT NULL,
    source           TEXT        NOT NULL,
    legal_basis      TEXT        NOT NULL
        CHECK (legal_basis IN ('consent', 'legitimate_interest', 'contract', 'legal_obligation')),
    jurisdiction     TEXT,
    occurred_at      TIMESTAMPTZ NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    event_message_id UUID,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX consent_records_history ON consent_records (workspace_id, profile_id, occurred_at DESC, recorded_at DESC);
-- An event's statement about a purpose is recorded once, however often the event is delivered.
CREATE UNIQUE INDEX consent_records_event ON consent_records (workspace_id, event_message_id, purpose)
    WHERE event_message_id IS NOT NULL;

-- Append-only: a ledger row is never rewritten (erasure, a later feature, deletes whole rows).
CREATE FUNCTION consent_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consent_records is append-only';
END $$;
CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
    FOR EACH ROW EXECUTE FUNCTION consent_records_append_only();

-- The current state per profile and purpose: the statement with the latest event time.
CREATE TABLE consent_state (
    workspace_id TEXT        NOT NULL,
    profile_id   TEXT        NOT NULL,
    purpose      TEXT        NOT NULL,
    granted      BOOLEAN     NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    source       TEXT        NOT NULL,
    legal_basis  TEXT        NOT NULL,
    jurisdiction TEXT,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, profile_id, purpose)
);

-- Identifiers learned from resolved events, to find a profile by user id or anonymous id.
CREATE TABLE subject_identifiers (
    workspace_id TEXT        NOT NULL,
    type         TEXT        NOT NULL,
    value        TEXT        NOT NULL,
    profile_id   TEXT        NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, type, value)
);
CREATE INDEX subject_identifiers_profile ON subject_identifiers (workspace_id, profile_id);

-- Every profile this service has seen (in an event or a consent statement). A profile not here
-- is unknown: it gets no consent ("no record, no send").
CREATE TABLE known_profiles (
    workspace_id  TEXT        NOT NULL,
    profile_id    TEXT        NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, profile_id)
);

-- Every decision handed out, so a delivery's consent decision id can be audited.
CREATE TABLE consent_decisions (
    workspace_id TEXT        NOT NULL,
    id           UUID        NOT NULL,
    profile_id   TEXT        NOT NULL,
    purposes     TEXT[]      NOT NULL,
    decision     TEXT        NOT NULL CHECK (decision IN ('allow', 'deny')),
    basis        JSONB       NOT NULL,
    decided_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX consent_decisions_profile ON consent_decisions (workspace_id, profile_id, decided_at DESC);
