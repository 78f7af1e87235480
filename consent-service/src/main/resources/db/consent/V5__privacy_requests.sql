-- Issue 12: privacy requests (erase, access, suppress) and each service's acknowledgement. The
-- state lives here, the commands leave through the outbox, so a request survives a restart of any
-- service midway.
CREATE TABLE privacy_requests (
    workspace_id TEXT        NOT NULL,
    id           UUID        NOT NULL,
    type         TEXT        NOT NULL CHECK (type IN ('ERASE', 'ACCESS', 'SUPPRESS', 'ERASE_AND_SUPPRESS')),
    -- what makes two requests the same: 'identifier:<type>:<value>' (normal form) or 'profile:<survivor id>'
    dedupe_key   TEXT        NOT NULL,
    profile_id   TEXT,
    identifier   JSONB,
    profile_ids  TEXT[]      NOT NULL,
    identifiers  JSONB       NOT NULL,
    status       TEXT        NOT NULL CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
    requested_by TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    PRIMARY KEY (workspace_id, id)
);
-- The same request while one is open is that one (idempotency).
CREATE UNIQUE INDEX privacy_requests_open ON privacy_requests (workspace_id, type, dedupe_key)
    WHERE status IN ('pending', 'in_progress');

CREATE TABLE privacy_request_services (
    workspace_id    TEXT        NOT NULL,
    request_id      UUID        NOT NULL,
    service         TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
    detail          TEXT,
    export          JSONB,
    acknowledged_at TIMESTAMPTZ,
    PRIMARY KEY (workspace_id, request_id, service),
    FOREIGN KEY (workspace_id, request_id) REFERENCES privacy_requests (workspace_id, id)
);
