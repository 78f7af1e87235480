-- The outbox payload is stored and published as the JSON text it was written as. As jsonb,
-- PostgreSQL parsed every payload on insert and printed it again on every relay read, which was
-- the largest part of the outbox's database cost (docs/performance.md). Debezium's outbox router
-- takes a text payload as well.
ALTER TABLE outbox ALTER COLUMN payload TYPE TEXT USING payload::text;

-- Message ids are random UUIDs made by the writer; the unique index on them only cost an index
-- insert per row. Consumers de-duplicate by id in their inbox.
ALTER TABLE outbox DROP CONSTRAINT outbox_id_key;

-- Inbox rows are only ever looked up by (consumer, message_id); processed_at is there to delete old
-- rows by age. Rows arrive in processed_at order, so a BRIN index serves that delete at a fraction
-- of a b-tree's cost per insert.
DROP INDEX inbox_processed_at;
CREATE INDEX inbox_processed_at ON inbox USING brin (processed_at);
