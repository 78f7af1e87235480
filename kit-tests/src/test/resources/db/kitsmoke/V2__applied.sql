-- Every message a test batch consumer applied, with no key: a message applied twice shows as two rows.
CREATE TABLE applied (consumer TEXT NOT NULL, message_id UUID NOT NULL, profile_id TEXT NOT NULL, seq BIGSERIAL);
