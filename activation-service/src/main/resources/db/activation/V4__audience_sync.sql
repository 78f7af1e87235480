-- Issue 13: audience sync by diff. Per destination and profile, the desired membership (one row per
-- subscribed segment, from cdp.segmentation.memberships.v1; a message older than the stored version
-- never wins) and the last state the destination confirmed (NULL: unknown, e.g. after a failed or
-- ambiguous call, or after a merge changed whom the profile's identifiers belong to). A dispatch sends
-- only where the two differ.
CREATE TABLE audience_desired (
    workspace_id   TEXT        NOT NULL,
    destination_id UUID        NOT NULL,
    profile_id     TEXT        NOT NULL,
    segment_id     TEXT        NOT NULL,
    member         BOOLEAN     NOT NULL,
    version        BIGINT      NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, destination_id, profile_id, segment_id),
    FOREIGN KEY (workspace_id, destination_id) REFERENCES destinations (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX audience_desired_by_profile ON audience_desired (workspace_id, profile_id);

CREATE TABLE audience_confirmed (
    workspace_id   TEXT        NOT NULL,
    destination_id UUID        NOT NULL,
    profile_id     TEXT        NOT NULL,
    member         BOOLEAN,
    confirmed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, destination_id, profile_id),
    FOREIGN KEY (workspace_id, destination_id) REFERENCES destinations (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX audience_confirmed_by_profile ON audience_confirmed (workspace_id, profile_id);

-- one membership sync per destination and profile in flight at a time (see DeliveryRepository#claimDue)
CREATE INDEX deliveries_membership_in_flight ON deliveries (workspace_id, destination_id, profile_id)
    WHERE status = 'pending' AND kind <> 'event';
