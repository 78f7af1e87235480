-- Issue 13: failing deliveries are retried for a window (cdp.activation.retry-for, 4 h by default)
-- counted from their first failed send, not for a number of attempts.
ALTER TABLE deliveries ADD COLUMN first_failed_at TIMESTAMPTZ;
