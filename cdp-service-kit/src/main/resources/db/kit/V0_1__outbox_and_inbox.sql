-- Kit tables, created in every service's own schema (Flyway runs with that schema as default).

-- Transactional outbox. Column names follow Debezium's outbox event router
-- (id, aggregatetype, aggregateid, type, payload) so Debezium can replace the relay:
-- aggregatetype is the topic, aggregateid the Kafka key.
CREATE TABLE outbox (
    seq           BIGSERIAL PRIMARY KEY,
    id            UUID        NOT NULL UNIQUE,
    aggregatetype TEXT        NOT NULL,
    aggregateid   TEXT        NOT NULL,
    type          TEXT        NOT NULL,
    payload       JSONB       NOT NULL,
    subject       TEXT        NOT NULL,
    workspace_id  TEXT        NOT NULL,
    occurred_at   TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Idempotent-consumer inbox: a message's effect and its inbox row commit together, so a
-- re-delivered message finds its row and changes nothing.
CREATE TABLE inbox (
    consumer     TEXT        NOT NULL,
    message_id   UUID        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX inbox_processed_at ON inbox (processed_at);
