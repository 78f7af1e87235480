-- Issue 11: a segment with event nodes builds only once their hidden computed traits in
-- profile-service are backfilled. build_phase: waiting_for_event_traits | evaluating;
-- build_waiting: the hidden traits' states at the last check (shown as the build's progress);
-- build_check_after: when the builder looks again (so a waiting segment does not hold up others).
ALTER TABLE segments
    ADD COLUMN build_phase       TEXT NOT NULL DEFAULT 'evaluating',
    ADD COLUMN build_waiting     JSONB,
    ADD COLUMN build_check_after TIMESTAMPTZ;
