-- A least-privilege role for cdc-relay. Run it once, in the outbox database, as the owner of the
-- outbox table (or a superuser); change the password first. The relay then needs no ownership:
--   LOGIN REPLICATION        to create and read its logical replication slot
--   SELECT on the table      to publish the rows still PENDING on the first start (the cut-over)
--   the publication          created here by the owner (creating it needs ownership of the table)
--   the offset table         created here; the relay reads and writes its offsets in it
--   the cut-over table       created here; the relay records there, once, that the table was cut over
-- RDS/Aurora: replace REPLICATION with "GRANT rds_replication TO outbox_relay;" after CREATE ROLE.

CREATE ROLE outbox_relay LOGIN REPLICATION PASSWORD 'change-me';

GRANT USAGE ON SCHEMA public TO outbox_relay;
GRANT SELECT ON public.outbox_events TO outbox_relay;

CREATE PUBLICATION outbox_relay FOR TABLE public.outbox_events WITH (publish = 'insert');

CREATE TABLE IF NOT EXISTS public.outbox_relay_offsets (
  offset_key   text        PRIMARY KEY,
  offset_value text        NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.outbox_relay_offsets TO outbox_relay;

CREATE TABLE IF NOT EXISTS public.outbox_relay_cutover (
  outbox_table      text        PRIMARY KEY,
  slot              text        NOT NULL,
  pending_published bigint      NOT NULL,
  cut_over_at       timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON public.outbox_relay_cutover TO outbox_relay;
