-- Idempotency records of consumer-support (idempotent: safe to run again, by hand or from Flyway).
-- One row per consumer and event, written in the same transaction as the consumer's business change.
CREATE TABLE IF NOT EXISTS processed_events (
  consumer     text        NOT NULL,
  event_id     uuid        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Retention prunes old records by age in bounded batches.
CREATE INDEX IF NOT EXISTS processed_events_processed_at_idx ON processed_events (processed_at);
