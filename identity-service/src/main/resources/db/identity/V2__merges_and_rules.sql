-- Identity resolution proper: merges, per-profile counters for limits and caps, identity rules.
-- Every row carries its workspace; every query filters by it.

-- A merged-away profile keeps its row and points at the profile it was merged into; identifiers
-- always point at a surviving profile (a merge moves them in the same transaction).
-- merge_count: profiles merged into this one, counting those merged into them before.
-- identifier_counts: identifiers held per type ({"email": 2, ...}), kept with the identities so the
-- limits can be checked without counting rows; updated only under the profile's row lock.
ALTER TABLE profiles
    ADD COLUMN merged_into       TEXT,
    ADD COLUMN merged_at         TIMESTAMPTZ,
    ADD COLUMN merge_count       INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN identifier_counts JSONB   NOT NULL DEFAULT '{}'::jsonb;

UPDATE profiles p SET identifier_counts = c.counts
FROM (SELECT workspace_id, profile_id, jsonb_object_agg(type, n) AS counts
      FROM (SELECT workspace_id, profile_id, type, count(*) AS n FROM identities
            GROUP BY workspace_id, profile_id, type) t
      GROUP BY workspace_id, profile_id) c
WHERE p.workspace_id = c.workspace_id AND p.id = c.profile_id;

CREATE INDEX profiles_by_survivor ON profiles (workspace_id, merged_into) WHERE merged_into IS NOT NULL;

-- Why each merge happened: the event, the identifiers that linked, those dropped to respect the
-- rules, and the rule and rules version applied. id is the id of the ProfilesMerged message.
CREATE TABLE merges (
    workspace_id  TEXT        NOT NULL,
    id            UUID        NOT NULL,
    survivor_id   TEXT        NOT NULL,
    merged_ids    TEXT[]      NOT NULL,
    identifiers   JSONB       NOT NULL,
    dropped       JSONB       NOT NULL,
    event_id      UUID        NOT NULL,
    message_id    TEXT,
    source_id     TEXT,
    rule          TEXT        NOT NULL,
    rules_version BIGINT      NOT NULL,
    merged_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE INDEX merges_by_survivor ON merges (workspace_id, survivor_id, merged_at);

-- The identity rules of a workspace (absent: the defaults), versioned.
CREATE TABLE identity_rules (
    workspace_id TEXT        NOT NULL PRIMARY KEY,
    document     JSONB       NOT NULL,
    version      BIGINT      NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
