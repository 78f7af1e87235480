-- Exact, bounded de-duplication of Kafka redeliveries (docs/architecture.md, "Exactly once"): the
-- next offset each consumer will apply, per topic partition, written in the same transaction as the
-- effect of the records before it. A record below it was applied already, whatever its age. One row
-- per consumer and partition, however many messages pass. The inbox now only has to remember message
-- ids for the short window in which an outbox relay can publish a row twice (cdp.kit.inbox.retention).
CREATE TABLE consumed_offset (
    consumer    TEXT        NOT NULL,
    topic       TEXT        NOT NULL,
    partition   INT         NOT NULL,
    -- the Kafka cluster the offset belongs to: offsets of a re-created cluster start again at 0
    cluster_id  TEXT        NOT NULL,
    next_offset BIGINT      NOT NULL,
    consumed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition)
);
