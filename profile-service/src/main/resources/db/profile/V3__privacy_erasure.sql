-- Privacy requests (issue 12) and identity's identifiers (issue 14).
--
-- An erased profile keeps its row, emptied, as a tombstone: no merge link, its times set to the
-- erasure's, erased_at set. Everything else profile held on it (events, their de-duplication keys,
-- traits, computed traits, identifiers) is deleted. The row is what makes the erasure last: identity
-- never reuses a profile id, so an event or merge that still names the id (in flight when the
-- command ran, or replayed from the dead letters later) is for the erased person, and the one
-- statement that creates or locks profiles finds the tombstone and drops it instead of bringing the
-- profile back. Every read of profiles treats an erased row as absent (the API answers 404).
-- Tombstones are deleted after cdp.profile.privacy.erased-retention (ErasedProfilePruner): by then no
-- message naming them can arrive any more, and the ids are the last trace of the person.
ALTER TABLE profiles ADD COLUMN erased_at TIMESTAMPTZ;
CREATE INDEX profiles_erased_at ON profiles (erased_at) WHERE erased_at IS NOT NULL;

-- (V2 describes profile_identifiers as taken from the stored events: since issue 14 they are the
-- identifiers identity-service resolved each event with, EventResolved.identifiers, which carry the
-- workspace's phone region, blocked values and custom identifiers.)
