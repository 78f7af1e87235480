-- Issue 12: consent follows identity's merges (cdp.identity.merges.v1). A merged-away profile id
-- redirects to its survivor for reads, writes and decisions. Chains are kept flat: when B is merged
-- into C, every id that pointed at B points at C, so one lookup always finds the survivor.
CREATE TABLE profile_redirects (
    workspace_id TEXT        NOT NULL,
    merged_id    TEXT        NOT NULL,
    survivor_id  TEXT        NOT NULL,
    merge_id     UUID        NOT NULL,
    merged_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, merged_id),
    CHECK (merged_id <> survivor_id)
);
CREATE INDEX profile_redirects_survivor ON profile_redirects (workspace_id, survivor_id);
