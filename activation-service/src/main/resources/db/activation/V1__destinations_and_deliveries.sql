-- Destinations: where activation sends events and segment changes, and under which purposes.
-- config holds the non-secret settings; the credentials are in secret_ciphertext
-- (AES-256-GCM: version byte, 12-byte IV, ciphertext and tag; the row's workspace and id are the
-- associated data, so a ciphertext cannot be moved to another row).
CREATE TABLE destinations (
    workspace_id        TEXT        NOT NULL,
    id                  UUID        NOT NULL,
    name                TEXT        NOT NULL,
    type                TEXT        NOT NULL,
    config              JSONB       NOT NULL,
    secret_ciphertext   BYTEA,
    required_purposes   TEXT[]      NOT NULL CHECK (cardinality(required_purposes) > 0),
    subscribed_events   TEXT[]      NOT NULL DEFAULT '{}',
    subscribed_segments TEXT[]      NOT NULL DEFAULT '{}',
    enabled             BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX destinations_by_event ON destinations USING gin (subscribed_events) WHERE enabled;
CREATE INDEX destinations_by_segment ON destinations USING gin (subscribed_segments) WHERE enabled;

-- The durable delivery queue and log. A delivery is pending until consent-service decided and the
-- destination answered: delivered, blocked_by_consent (never sent) or dead (replayable).
-- A dispatcher claims due rows by pushing next_attempt_at forward by a lease and stamping
-- lease_token; only the holder of the token may record the outcome. attempts counts sends;
-- waits counts rounds that could not ask consent-service (those never consume attempts).
CREATE TABLE deliveries (
    workspace_id        TEXT        NOT NULL,
    id                  UUID        NOT NULL,
    destination_id      UUID        NOT NULL,
    profile_id          TEXT        NOT NULL,
    kind                TEXT        NOT NULL CHECK (kind IN ('event', 'segment_entered', 'segment_exited')),
    payload             JSONB       NOT NULL,
    status              TEXT        NOT NULL DEFAULT 'pending'
                                    CHECK (status IN ('pending', 'delivered', 'blocked_by_consent', 'dead')),
    consent_decision_id TEXT,
    attempts            INT         NOT NULL DEFAULT 0,
    waits               INT         NOT NULL DEFAULT 0,
    next_attempt_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_token         UUID,
    last_error          TEXT,
    source_message_id   UUID        NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    -- one delivery per destination and message, whatever the consumer does
    UNIQUE (workspace_id, destination_id, source_message_id),
    FOREIGN KEY (workspace_id, destination_id) REFERENCES destinations (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_log ON deliveries (workspace_id, destination_id, created_at DESC, id DESC);
CREATE INDEX deliveries_log_by_status ON deliveries (workspace_id, destination_id, status, created_at DESC, id DESC);
