-- Per-source token buckets shared by every ingestion instance (issue 10): the limit holds across
-- replicas. Instances lease chunks of tokens (RateLimitStore), so a row is written about once per
-- lease, not once per request. tokens as of refilled_at; granted is what the last lease took.
CREATE TABLE rate_limit_buckets (
    workspace_id text             NOT NULL,
    source_id    uuid             NOT NULL,
    tokens       double precision NOT NULL,
    granted      integer          NOT NULL,
    refilled_at  timestamptz      NOT NULL,
    PRIMARY KEY (workspace_id, source_id),
    FOREIGN KEY (workspace_id, source_id) REFERENCES sources (workspace_id, id) ON DELETE CASCADE
);
