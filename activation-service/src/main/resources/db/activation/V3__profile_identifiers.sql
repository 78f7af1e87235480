-- Issue 13: whom an audience connector sends. Membership messages carry a profile id only, so
-- activation keeps each profile's e-mail addresses and phone numbers (normal form: e-mails trimmed
-- and lower-cased, phones E.164) from the resolved events it consumes.
CREATE TABLE profile_identifiers (
    workspace_id TEXT        NOT NULL,
    profile_id   TEXT        NOT NULL,
    type         TEXT        NOT NULL CHECK (type IN ('email', 'phone')),
    value        TEXT        NOT NULL,
    first_seen   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, profile_id, type, value)
);

-- Merged-away profiles (cdp.identity.merges.v1) and the survivor they redirect to now: their
-- identifiers move to the survivor when the merge is applied, and identifiers written for them
-- afterwards (an event resolved before the merge, consumed after it) are read as the survivor's.
CREATE TABLE profile_redirects (
    workspace_id TEXT        NOT NULL,
    merged_id    TEXT        NOT NULL,
    survivor_id  TEXT        NOT NULL,
    merge_id     UUID        NOT NULL,
    merged_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, merged_id)
);
CREATE INDEX profile_redirects_by_survivor ON profile_redirects (workspace_id, survivor_id);
