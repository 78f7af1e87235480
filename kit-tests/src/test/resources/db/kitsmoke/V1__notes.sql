CREATE TABLE note (workspace_id TEXT NOT NULL, id TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (workspace_id, id));
CREATE TABLE consumed (message_id UUID PRIMARY KEY, profile_id TEXT NOT NULL);
