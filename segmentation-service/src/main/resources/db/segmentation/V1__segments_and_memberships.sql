-- Segmentation: each profile's current traits (from ProfileChanged), segment definitions and
-- memberships. Every table is keyed by workspace; profile ids sort by code point (COLLATE "C") so
-- keyset cursors and build batches are deterministic.

CREATE TABLE profile_traits (
    workspace_id    TEXT                NOT NULL,
    profile_id      TEXT COLLATE "C"    NOT NULL,
    traits          JSONB               NOT NULL DEFAULT '{}'::jsonb,
    -- kept now so computed-trait conditions (a later issue) start from complete data
    computed_traits JSONB               NOT NULL DEFAULT '{}'::jsonb,
    updated_at      TIMESTAMPTZ         NOT NULL,
    PRIMARY KEY (workspace_id, profile_id)
);

CREATE TABLE segments (
    workspace_id TEXT             NOT NULL,
    id           TEXT             NOT NULL,
    name         TEXT             NOT NULL,
    condition    JSONB            NOT NULL,
    status       TEXT             NOT NULL CHECK (status IN ('building', 'ready')),
    -- the definition's version: +1 whenever the condition changes
    version      BIGINT           NOT NULL DEFAULT 1,
    -- the last profile id the running build has evaluated (NULL: start from the beginning)
    build_cursor TEXT COLLATE "C",
    created_at   TIMESTAMPTZ      NOT NULL,
    updated_at   TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX segments_building ON segments (updated_at) WHERE status = 'building';

-- One row per (segment, profile) that was ever a member. member = false rows stay after an exit so
-- that version keeps increasing when the profile enters again.
CREATE TABLE memberships (
    workspace_id TEXT             NOT NULL,
    segment_id   TEXT             NOT NULL,
    profile_id   TEXT COLLATE "C" NOT NULL,
    member       BOOLEAN          NOT NULL,
    version      BIGINT           NOT NULL,
    changed_at   TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (workspace_id, segment_id, profile_id),
    FOREIGN KEY (workspace_id, segment_id) REFERENCES segments (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX memberships_members ON memberships (workspace_id, segment_id, profile_id) WHERE member;
CREATE INDEX memberships_by_profile ON memberships (workspace_id, profile_id) WHERE member;
