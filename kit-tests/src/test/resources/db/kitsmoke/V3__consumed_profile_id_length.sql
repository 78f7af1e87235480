-- A rule a message's own data can break (issue 15: a content error is dead-lettered with its reason).
ALTER TABLE consumed ADD CONSTRAINT consumed_profile_id_length CHECK (char_length(profile_id) <= 64);
