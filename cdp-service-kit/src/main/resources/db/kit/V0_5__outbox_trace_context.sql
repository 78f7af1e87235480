-- Issue 17: the W3C trace context (traceparent) of the operation that wrote the row, so the relay
-- publishes it as a Kafka header and the trace goes on in the consumer. NULL when the writer was not
-- traced. Debezium's outbox router can place it in a header too (table.fields.additional.placement).
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
ALTER TABLE outbox_parked ADD COLUMN traceparent TEXT;
