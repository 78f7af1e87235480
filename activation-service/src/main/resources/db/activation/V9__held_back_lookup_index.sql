-- Issue 15 (fault suite, destination down for 30 minutes): a delivery queued behind a pending one of
-- the same destination and profile is held back to that one's next attempt (DeliveryRepository#insertAll
-- reads max(next_attempt_at) of the pending, unleased deliveries of the destination and profile). No
-- index answered it: the planner walked deliveries_due_by_destination backwards and filtered by profile,
-- about 36,000 rows per queued delivery once the down destination had 40,000 pending, so queuing a
-- chunk took seconds, and the healthy destination's deliveries, queued by the same consumer, waited
-- with it. This index answers the lookup with one probe however long the backlog (0.14 ms against
-- 131 ms, measured on the fault suite's database at 40,000 pending).
CREATE INDEX deliveries_held_back_by_profile ON deliveries (workspace_id, destination_id, profile_id, next_attempt_at)
    WHERE status = 'pending' AND lease_token IS NULL;
