-- Issue 11: computed traits owned by segmentation (an `event` node of a segment condition) are
-- hidden from the default list; `between` windows are a fixed range of event times [lower, upper).
ALTER TABLE computed_trait_definitions
    ADD COLUMN hidden        BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN between_lower TIMESTAMPTZ,
    ADD COLUMN between_upper TIMESTAMPTZ;
