-- The identity graph of the walking skeleton: profiles and the identifiers attached to them.
-- Every row carries its workspace; every query filters by it.

CREATE TABLE profiles (
    workspace_id TEXT        NOT NULL,
    id           TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);

-- One row per identifier (user_id, anonymous_id, ...): the primary key makes an identifier belong
-- to at most one profile, which is what keeps concurrent consumers from giving one person two
-- profiles. first_* describe the earliest event (by event time) that carried the identifier.
-- The foreign key is checked at commit, so a consumer can claim an identifier for a new profile
-- first and create the profile only when the claim succeeded.
CREATE TABLE identities (
    workspace_id    TEXT        NOT NULL,
    type            TEXT        NOT NULL,
    value           TEXT        NOT NULL,
    profile_id      TEXT        NOT NULL,
    first_seen_at   TIMESTAMPTZ NOT NULL,
    first_event_id  TEXT,
    first_source_id TEXT,
    PRIMARY KEY (workspace_id, type, value),
    FOREIGN KEY (workspace_id, profile_id) REFERENCES profiles (workspace_id, id)
        DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX identities_by_profile ON identities (workspace_id, profile_id);
