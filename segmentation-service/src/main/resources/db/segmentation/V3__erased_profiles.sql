-- Issue 12: privacy commands.

-- Profiles erased by a privacy command (cdp.privacy.commands.v1). Everything else segmentation held on
-- them is deleted; this row (the opaque id only) keeps a late or replayed ProfileChanged of them, or a
-- replayed ProfilesMerged, from bringing the person back. Pruned after cdp.segmentation.privacy
-- .erased-retention, which outlasts every way an old message can still arrive (topic retention,
-- dead-letter replay).
CREATE TABLE erased_profiles (
    workspace_id TEXT             NOT NULL,
    profile_id   TEXT COLLATE "C" NOT NULL,
    request_id   UUID             NOT NULL,
    erased_at    TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (workspace_id, profile_id)
);
CREATE INDEX erased_profiles_by_age ON erased_profiles (erased_at);

-- An erase also removes the profiles merged into the person's (followed down the merge tree).
CREATE INDEX merged_profiles_by_survivor ON merged_profiles (workspace_id, survivor_id COLLATE "C");
