-- Issue 13 (isolation): the dispatcher claims due deliveries per destination (each destination's
-- oldest first, a destination still sending left out), so one destination's backlog or retries
-- never fill another's round. This index answers "the oldest due deliveries of this destination".
CREATE INDEX deliveries_due_by_destination ON deliveries (workspace_id, destination_id, next_attempt_at)
    WHERE status = 'pending';
