-- A source may override the service-wide rate limit (cdp.ingestion.rate-limit.*): both columns or neither.
ALTER TABLE sources
    ADD COLUMN rate_limit_events_per_second integer,
    ADD COLUMN rate_limit_burst             integer,
    ADD CONSTRAINT sources_rate_limit_complete CHECK (
        (rate_limit_events_per_second IS NULL AND rate_limit_burst IS NULL)
        OR (rate_limit_events_per_second > 0 AND rate_limit_burst > 0));

-- One tracking plan per source: the plan document as the API accepted it (schemas already checked).
CREATE TABLE tracking_plans (
    workspace_id text        NOT NULL,
    source_id    uuid        NOT NULL,
    plan         jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, source_id),
    FOREIGN KEY (workspace_id, source_id) REFERENCES sources (workspace_id, id) ON DELETE CASCADE
);

-- Tracking-plan violations per source and event: counts and the latest few samples (newest first,
-- at most 10; a sample holds the message id and the schema errors, never the event's values).
-- event_name is the track event's name, '' for the identify and group trait schemas.
CREATE TABLE tracking_plan_violations (
    workspace_id  text        NOT NULL,
    source_id     uuid        NOT NULL,
    event_type    text        NOT NULL,
    event_name    text        NOT NULL,
    violations    bigint      NOT NULL,
    blocked       bigint      NOT NULL,
    first_seen_at timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    samples       jsonb       NOT NULL,
    PRIMARY KEY (workspace_id, source_id, event_type, event_name),
    FOREIGN KEY (workspace_id, source_id) REFERENCES sources (workspace_id, id) ON DELETE CASCADE
);

-- Identifiers whose events the Tracking API refuses (privacy requests with suppress = true).
-- Only a SHA-256 of workspace, type and normalised value is kept, never the identifier itself.
CREATE TABLE suppressions (
    seq             bigserial   NOT NULL UNIQUE,
    workspace_id    text        NOT NULL,
    identifier_type text        NOT NULL,
    identifier_hash char(64)    NOT NULL,
    request_id      uuid        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (workspace_id, identifier_type, identifier_hash)
);
-- every instance polls for suppressions added since its last look
CREATE INDEX suppressions_created_at ON suppressions (created_at);
