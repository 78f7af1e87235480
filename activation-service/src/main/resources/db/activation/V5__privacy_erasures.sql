-- Issue 12: erase requests (cdp.privacy.commands.v1). An erase first removes the person from the
-- audiences that may hold them (removal deliveries, which need their identifiers), then, once those
-- settled, deletes the identifiers and acknowledges. The row says which request is still under way.
CREATE TABLE privacy_erasures (
    workspace_id TEXT        NOT NULL,
    request_id   UUID        NOT NULL,
    profile_ids  TEXT[]      NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    PRIMARY KEY (workspace_id, request_id)
);
CREATE INDEX privacy_erasures_open ON privacy_erasures (created_at) WHERE completed_at IS NULL;
CREATE INDEX deliveries_by_profile ON deliveries (workspace_id, profile_id);
