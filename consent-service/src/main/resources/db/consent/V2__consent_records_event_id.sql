-- Issue 9: an event's consent is recorded once per Segment messageId, not only once per resolved
-- message id. Ingestion may publish an event twice when Kafka acknowledged it late (the SDK sends
-- it again), and each copy is resolved under its own message id; both carry the same messageId,
-- which is the event's identity (profile-service keeps one event per messageId as well).
ALTER TABLE consent_records ADD COLUMN event_id TEXT;
CREATE UNIQUE INDEX consent_records_event_id ON consent_records (workspace_id, event_id, purpose)
    WHERE event_id IS NOT NULL;
