-- The outbox table cdc-relay reads (idempotent: safe to run again, by hand or from Flyway).
-- Compatible with the polling relay it replaces: services that already insert these columns keep working.
CREATE TABLE IF NOT EXISTS outbox_events (
  id             uuid        PRIMARY KEY,
  event_id       uuid        NOT NULL UNIQUE,
  event_type     text        NOT NULL,
  payload        jsonb       NOT NULL,
  status         text        NOT NULL DEFAULT 'PENDING',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  aggregate_type text,
  aggregate_id   text,
  headers        jsonb
);

-- The optional columns, for a table created before they existed.
ALTER TABLE outbox_events ADD COLUMN IF NOT EXISTS aggregate_type text;
ALTER TABLE outbox_events ADD COLUMN IF NOT EXISTS aggregate_id   text;
ALTER TABLE outbox_events ADD COLUMN IF NOT EXISTS headers        jsonb;

-- Retention deletes old rows by age in bounded batches.
CREATE INDEX IF NOT EXISTS outbox_events_created_at_idx ON outbox_events (created_at);
