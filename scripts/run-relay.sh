#!/usr/bin/env bash
# Runs cdc-relay against this machine's PostgreSQL and RabbitMQ, provisioning them when missing
# (see services.sh), building the jar when needed and creating the outbox table when it is absent.
# OUTBOX_* variables you set are passed through; the defaults point at the local services.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/services.sh

if [ ! -f cdc-relay/target/cdc-relay.jar ] || [ -n "$(find cdc-relay/src outbox-envelope/src pom.xml cdc-relay/pom.xml -newer cdc-relay/target/cdc-relay.jar -print -quit)" ]; then
  echo "run-relay: building cdc-relay/target/cdc-relay.jar" >&2
  mvn -B -q -DskipTests package -pl cdc-relay -am >&2
fi

export OUTBOX_DB_HOST="${OUTBOX_DB_HOST:-$OUTBOX_TEST_PG_HOST}"
export OUTBOX_DB_PORT="${OUTBOX_DB_PORT:-$OUTBOX_TEST_PG_PORT}"
export OUTBOX_DB_USER="${OUTBOX_DB_USER:-$OUTBOX_TEST_PG_USER}"
export OUTBOX_DB_PASSWORD="${OUTBOX_DB_PASSWORD:-$OUTBOX_TEST_PG_PASSWORD}"
export OUTBOX_DB_NAME="${OUTBOX_DB_NAME:-postgres}"
export OUTBOX_RABBITMQ_URI="${OUTBOX_RABBITMQ_URI:-$OUTBOX_TEST_RABBITMQ_URI}"

if [ -z "${OUTBOX_TABLE:-}" ] || [ "${OUTBOX_TABLE}" = public.outbox_events ]; then
  exists=$(PGPASSWORD="$OUTBOX_DB_PASSWORD" psql -h "$OUTBOX_DB_HOST" -p "$OUTBOX_DB_PORT" -U "$OUTBOX_DB_USER" \
    -d "$OUTBOX_DB_NAME" -w -Atqc "select to_regclass('public.outbox_events') is not null")
  if [ "$exists" != t ]; then
    echo "run-relay: creating table public.outbox_events in database $OUTBOX_DB_NAME (outbox-writer's DDL)" >&2
    PGPASSWORD="$OUTBOX_DB_PASSWORD" psql -h "$OUTBOX_DB_HOST" -p "$OUTBOX_DB_PORT" -U "$OUTBOX_DB_USER" \
      -d "$OUTBOX_DB_NAME" -w -q -v ON_ERROR_STOP=1 -f outbox-writer/src/main/resources/dev/outboxcdc/writer/schema/outbox_events.sql
  fi
fi

cat >&2 <<MSG
run-relay: starting cdc-relay on database $OUTBOX_DB_NAME at $OUTBOX_DB_HOST:$OUTBOX_DB_PORT
  health:  http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health
  metrics: http://127.0.0.1:${SERVER_PORT:-8080}/actuator/prometheus
  try:     psql -h $OUTBOX_DB_HOST -U $OUTBOX_DB_USER -d $OUTBOX_DB_NAME -c "INSERT INTO outbox_events (id, event_id, event_type, payload) VALUES (gen_random_uuid(), gen_random_uuid(), 'employee.created', '{\"name\": \"Ada\"}')"
  stop:    Ctrl-C (drains in-flight confirms, commits offsets, exits 0)
MSG
# With a class-data sharing archive: ready about two seconds sooner than the plain jar.
bash scripts/relay-cds.sh cdc-relay/target/cdc-relay.jar cdc-relay/target/cds
# The shipped JVM settings (scripts/relay-jvm-options, also in the Docker image); OUTBOX_RELAY_JVM_OPTS replaces them.
read -ra jvm_options <<<"${OUTBOX_RELAY_JVM_OPTS:-$(cat scripts/relay-jvm-options)}"
exec java "${jvm_options[@]}" \
  -XX:SharedArchiveFile=cdc-relay/target/cds/cdc-relay.jsa -jar cdc-relay/target/cds/cdc-relay.jar "$@"
