-- Issue 15: the per-key ordering guard compares versions, not clocks. profile-service numbers a
-- profile's changes 1, 2, 3, ... in commit order under the profile's lock (ProfileChanged.version);
-- for each trait and computed trait key, the version of the change that last wrote it (set or
-- removed). A change writes a key iff its version is not below the key's; a numbered change always
-- beats a 0 one, and between changes from before versions (version 0) the occurredAt stamps of V5
-- still decide. The stamps are kept only for that fallback: a key a numbered change wrote has none.
-- Existing rows: version 0 for every key (each has a V5 stamp), so the first numbered change wins.
ALTER TABLE profile_traits
    ADD COLUMN traits_versions          JSONB NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN computed_traits_versions JSONB NOT NULL DEFAULT '{}'::jsonb;

UPDATE profile_traits SET
    traits_versions = COALESCE((SELECT jsonb_object_agg(k, 0) FROM jsonb_object_keys(traits_written_at) AS k),
                               '{}'::jsonb),
    computed_traits_versions = COALESCE((SELECT jsonb_object_agg(k, 0)
                                         FROM jsonb_object_keys(computed_traits_written_at) AS k), '{}'::jsonb);
