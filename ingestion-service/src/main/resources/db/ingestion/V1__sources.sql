-- Sources: where events come from. Each has a write key; only its SHA-256 is stored.
CREATE TABLE sources (
    workspace_id   text        NOT NULL,
    id             uuid        NOT NULL,
    name           text        NOT NULL,
    write_key_hash char(64)    NOT NULL,
    write_key_hint text        NOT NULL,
    enabled        boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
    -- the Tracking API finds a source (and so its workspace) by the hash of the key it was given
    CONSTRAINT sources_write_key_hash_unique UNIQUE (write_key_hash)
);
