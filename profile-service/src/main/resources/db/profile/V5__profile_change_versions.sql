-- Issue 15: the version of a profile's ProfileChanged messages. change_version is the number of the
-- last change published for the profile: every transaction that publishes changes of a profile holds
-- its row lock and moves it forward by as many changes as it publishes (ChangeVersions, one statement
-- per transaction), so a profile's changes are numbered 1, 2, 3, … in the order they commit, without
-- a gap or a repeat and without any clock. Consumers keep it per profile and never let an older
-- change overwrite a newer one. A merged-away profile keeps its last number (it publishes nothing
-- more); the survivor's numbering goes on from its own.
ALTER TABLE profiles ADD COLUMN change_version BIGINT NOT NULL DEFAULT 0;

COMMENT ON COLUMN profiles.change_version IS
    'Version of the last ProfileChanged published for this profile (issue 15): changes are numbered 1, 2, 3, ... per profile in commit order, under the row lock';
