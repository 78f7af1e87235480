-- Rotating a write key keeps the previous one valid for a grace period (issue 10): its hash and
-- until when it is accepted. Both columns or neither; a rotation replaces them.
ALTER TABLE sources
    ADD COLUMN previous_write_key_hash       char(64),
    ADD COLUMN previous_write_key_expires_at timestamptz,
    ADD CONSTRAINT sources_previous_write_key_complete CHECK (
        (previous_write_key_hash IS NULL) = (previous_write_key_expires_at IS NULL));
-- the Tracking API finds a source by either of its keys
CREATE UNIQUE INDEX sources_previous_write_key_hash ON sources (previous_write_key_hash)
    WHERE previous_write_key_hash IS NOT NULL;
