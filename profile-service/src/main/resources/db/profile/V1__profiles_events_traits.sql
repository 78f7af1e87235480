-- Profiles, their event store and their traits with provenance. Every table is keyed by workspace.

-- One row per profile, created by its first event.
CREATE TABLE profiles (
    workspace_id TEXT        NOT NULL,
    id           TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

-- Exact de-duplication of events per workspace by messageId. Kept apart from `events` so that
-- `events` can be partitioned by time (a unique key on a partitioned table would have to include
-- the partition key, and dropping an old partition must not forget which messages were seen).
-- occurred_at locates the event row (partition pruning) for erasure and look-ups by messageId.
CREATE TABLE event_keys (
    workspace_id TEXT        NOT NULL,
    message_id   TEXT        NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, message_id)
);

-- The event store: one row per distinct messageId, the whole Segment event in payload.
-- Range-partitioned by event time so retention is a partition drop; rows outside every explicit
-- partition land in the default one (operators attach monthly partitions as they see fit).
CREATE TABLE events (
    workspace_id TEXT        NOT NULL,
    message_id   TEXT        NOT NULL,
    profile_id   TEXT        NOT NULL,
    type         TEXT        NOT NULL,
    name         TEXT,
    occurred_at  TIMESTAMPTZ NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    source_id    TEXT,
    payload      JSONB       NOT NULL
) PARTITION BY RANGE (occurred_at);

CREATE TABLE events_default PARTITION OF events DEFAULT;

-- A profile's events newest first, keyset-paginated on (occurred_at, message_id).
CREATE INDEX events_profile_time ON events (workspace_id, profile_id, occurred_at DESC, message_id DESC);

-- The current value of each trait of a profile, with the observation it came from. A value is
-- replaced only by an observation with a later event time (observed_at), ties broken by the
-- greater message_id. A JSON null value is a removal kept as a tombstone, so an older value
-- delivered late cannot come back.
CREATE TABLE traits (
    workspace_id TEXT        NOT NULL,
    profile_id   TEXT        NOT NULL,
    key          TEXT        NOT NULL,
    value        JSONB       NOT NULL,
    source_id    TEXT,
    message_id   TEXT        NOT NULL,
    observed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, profile_id, key)
);
