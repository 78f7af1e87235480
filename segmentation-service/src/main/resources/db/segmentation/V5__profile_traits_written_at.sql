-- Issue 15: the ordering guard is per key. For each trait and computed trait key, the occurredAt of
-- the change that last wrote it (set or removed: a removal stays as a stamp, so an older change
-- cannot bring the key back). A change sets a key only if it is not older than the key's stamp, so
-- a late older change still sets the keys no newer change touched. Existing rows: every key as of
-- the row's updated_at (the former whole-row guard).
ALTER TABLE profile_traits
    ADD COLUMN traits_written_at          JSONB NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN computed_traits_written_at JSONB NOT NULL DEFAULT '{}'::jsonb;

UPDATE profile_traits SET
    traits_written_at = COALESCE((SELECT jsonb_object_agg(k, to_jsonb(updated_at)) FROM jsonb_object_keys(traits) AS k),
                                 '{}'::jsonb),
    computed_traits_written_at = COALESCE((SELECT jsonb_object_agg(k, to_jsonb(updated_at))
                                           FROM jsonb_object_keys(computed_traits) AS k), '{}'::jsonb);
