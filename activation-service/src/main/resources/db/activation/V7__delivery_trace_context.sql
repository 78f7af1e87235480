-- Issue 17: the W3C trace context (traceparent) of the consumer batch that queued the delivery, so its
-- send (and the webhook or connector call) belongs to the trace of the event or change it delivers.
-- NULL when the batch was not traced.
ALTER TABLE deliveries ADD COLUMN traceparent TEXT;
