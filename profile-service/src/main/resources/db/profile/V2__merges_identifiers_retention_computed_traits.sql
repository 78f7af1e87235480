-- Merges, the identifier index, retention and computed traits. Every table is keyed by workspace.

-- A merged-away profile keeps its row as a redirect to the profile it was merged into, so its id
-- answers with the survivor everywhere and an event resolved to it late lands on the survivor.
-- Chains (a merged into b, b later into c) are followed when read; they are never rewritten, so a
-- merge only ever locks the profiles it names.
-- Profile ids sort by code point (COLLATE "C"): the order backfills walk them in and lock them in,
-- the same order as in Java.
ALTER TABLE profiles ADD COLUMN merged_into TEXT;
ALTER TABLE profiles ALTER COLUMN id SET DATA TYPE TEXT COLLATE "C";
CREATE INDEX profiles_merged_into ON profiles (workspace_id, merged_into) WHERE merged_into IS NOT NULL;

-- Retention: a workspace's events older than its retention are deleted by range (this index),
-- and the de-duplication keys of dropped or deleted events go with them (event_keys_occurred_at).
CREATE INDEX events_workspace_time ON events (workspace_id, occurred_at);
CREATE INDEX event_keys_occurred_at ON event_keys (occurred_at);

-- A workspace's own retention, overriding cdp.profile.retention.default.
CREATE TABLE retention_settings (
    workspace_id   TEXT        PRIMARY KEY,
    retention_days INTEGER     NOT NULL CHECK (retention_days > 0),
    updated_at     TIMESTAMPTZ NOT NULL
);

-- Which profile carries each identifier (user_id, anonymous_id, lower-cased email, context.externalIds),
-- taken from the stored events; the first profile seen with an identifier keeps it, merges move it.
CREATE TABLE profile_identifiers (
    workspace_id  TEXT        NOT NULL,
    type          TEXT        NOT NULL,
    value         TEXT        NOT NULL,
    profile_id    TEXT        NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, type, value)
);
CREATE INDEX profile_identifiers_profile ON profile_identifiers (workspace_id, profile_id);

-- Computed trait definitions. status: backfilling (backfill_cursor = the last profile id done, in
-- id order; processed / total = progress), ready, or deleting (values being removed).
CREATE TABLE computed_trait_definitions (
    workspace_id    TEXT        NOT NULL,
    key             TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    aggregation     TEXT        NOT NULL,
    event           TEXT        NOT NULL,
    property        TEXT,
    conditions      JSONB       NOT NULL,
    within          TEXT,
    status          TEXT        NOT NULL,
    backfill_cursor TEXT,
    processed       BIGINT      NOT NULL DEFAULT 0,
    total           BIGINT      NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
CREATE INDEX computed_trait_definitions_event ON computed_trait_definitions (workspace_id, event);
CREATE INDEX computed_trait_definitions_work ON computed_trait_definitions (created_at)
    WHERE status IN ('backfilling', 'deleting');

-- The value of each computed trait of each profile, and the aggregation state it is derived from
-- (running state without a window; the state of the window at the last recompute with one).
-- expires_at: when the oldest event inside the window leaves it, so the value must be recomputed
-- (null without a window, or when no event is inside it).
CREATE TABLE computed_traits (
    workspace_id TEXT        NOT NULL,
    profile_id   TEXT        NOT NULL,
    trait_key    TEXT        NOT NULL,
    value        JSONB       NOT NULL,
    state        JSONB       NOT NULL,
    expires_at   TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, profile_id, trait_key)
);
CREATE INDEX computed_traits_key ON computed_traits (workspace_id, trait_key);
CREATE INDEX computed_traits_expiry ON computed_traits (expires_at) WHERE expires_at IS NOT NULL;
