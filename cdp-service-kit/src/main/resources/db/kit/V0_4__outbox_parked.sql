-- Issue 15: an outbox row Kafka refuses for good (a record over the broker's size limit, an invalid
-- topic) is moved here with the reason, so the relay goes on with the rows after it instead of
-- stalling. Same columns as the outbox; put a row back (after fixing the cause) with
-- INSERT INTO outbox (id, aggregatetype, ...) SELECT id, aggregatetype, ... FROM outbox_parked WHERE ...
CREATE TABLE outbox_parked (
    seq           BIGINT      PRIMARY KEY,
    id            UUID        NOT NULL,
    aggregatetype TEXT        NOT NULL,
    aggregateid   TEXT        NOT NULL,
    type          TEXT        NOT NULL,
    payload       TEXT        NOT NULL,
    subject       TEXT        NOT NULL,
    workspace_id  TEXT        NOT NULL,
    occurred_at   TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    parked_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    reason        TEXT        NOT NULL
);
