-- Issue 15 (ordering): a destination receives one profile's deliveries one at a time, in the order
-- they were queued; only the oldest pending delivery of a destination and profile is claimed (see
-- DeliveryRepository#claimDue). This index answers "an older pending delivery of this destination and
-- profile?" for events and membership changes alike, so it replaces the membership-only one.
CREATE INDEX deliveries_pending_by_profile ON deliveries (workspace_id, destination_id, profile_id, created_at, id)
    WHERE status = 'pending';
DROP INDEX deliveries_membership_in_flight;
