-- identities.profile_id always names a surviving profile: resolution attaches identifiers only to
-- profiles it holds locked or created in the same transaction, and a merge moves the identifiers
-- of the profiles it merges away in that transaction (docs/identity-resolution.md). The deferred
-- foreign key re-checked this at every commit for every new or moved identifier, each check a
-- share lock on the profile row. It is dropped for throughput (docs/performance.md); the
-- resolution ITs and the order-independence properties check that no identifier is left dangling.
ALTER TABLE identities DROP CONSTRAINT identities_workspace_id_profile_id_fkey;
