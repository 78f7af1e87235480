-- Issue 11: merges, segment references and build progress.

-- Profiles merged into another (cdp.identity.merges.v1). Their profile_traits and membership rows are
-- removed; this row keeps a late or replayed ProfileChanged of them from bringing them back.
CREATE TABLE merged_profiles (
    workspace_id TEXT             NOT NULL,
    profile_id   TEXT COLLATE "C" NOT NULL,
    survivor_id  TEXT             NOT NULL,
    merged_at    TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (workspace_id, profile_id)
);

-- How far the running (or last) build got: profiles evaluated, of the profiles known when it started.
ALTER TABLE segments ADD COLUMN build_processed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE segments ADD COLUMN build_total     BIGINT NOT NULL DEFAULT 0;
