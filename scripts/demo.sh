#!/usr/bin/env bash
# The one-command demo: Personnel -> Payroll and the next flows, end to end.
#
#   scripts/demo.sh                 warm-up, then 3,000 employees plus the other flows (4,650 events: nine
#                                   tenths paced at 200/s, the rest as one burst), report, stop and clean up
#   scripts/demo.sh --short         the same warm-up, then 100 employees (what the demo test runs)
#   scripts/demo.sh --employees=N --warmup-employees=N --rate=R   size and pace the load
#   scripts/demo.sh --keep-running  leave everything up afterwards, with the URLs to look at
#   scripts/demo.sh --no-build      use the jars already built
#
# Uses the running PostgreSQL and RabbitMQ, or provisions them as scripts/test.sh does. Builds the relay
# and the example services, creates database outbox_demo, starts cdc-relay and four services (personnel,
# payroll, notification, accounting), drives the traffic through the personnel API and prints the report.
# DEMO_PORT_BASE moves the ports (default 8080-8084); DEMO_SERVICE_JVM_OPTIONS and DEMO_DRIVER_JVM_OPTIONS
# replace the JVM options of the services and of the driver.
# Without --keep-running it stops everything it started and drops its replication slot and database.
set -euo pipefail
cd "$(dirname "$0")/.."

employees=3000 warmup_employees=2000 rate=200 keep=false build=true
for arg in "$@"; do
  case "$arg" in
    --short) employees=100 ;;
    --keep-running) keep=true ;;
    --no-build) build=false ;;
    --employees=*) employees="${arg#*=}" ;;
    --warmup-employees=*) warmup_employees="${arg#*=}" ;;
    --rate=*) rate="${arg#*=}" ;;
    *) echo "demo: unknown argument $arg (see the top of scripts/demo.sh)" >&2; exit 2 ;;
  esac
done

. scripts/services.sh

base="${DEMO_PORT_BASE:-8080}"
relay_port=$base personnel_port=$((base + 1)) payroll_port=$((base + 2)) notification_port=$((base + 3)) accounting_port=$((base + 4))
db=outbox_demo slot=outbox_demo
run_dir=target/demo
mkdir -p "$run_dir"

if $build || [ ! -f cdc-relay/target/cdc-relay.jar ] || [ ! -f examples/target/outbox-examples.jar ]; then
  echo "demo: building cdc-relay and the example services" >&2
  mvn -B -q -DskipTests package -pl cdc-relay,examples -am >&2
fi

psql_admin() {
  PGOPTIONS="--client-min-messages=warning" PGPASSWORD="$OUTBOX_TEST_PG_PASSWORD" \
    psql -h "$OUTBOX_TEST_PG_HOST" -p "$OUTBOX_TEST_PG_PORT" -U "$OUTBOX_TEST_PG_USER" \
    -w -q -v ON_ERROR_STOP=1 "$@"
}

drop_demo_database() {
  psql_admin -d postgres -Atc "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '$slot' AND active_pid IS NOT NULL" >/dev/null
  psql_admin -d postgres -Atc "SELECT pg_drop_replication_slot('$slot') FROM pg_replication_slots WHERE slot_name = '$slot'" >/dev/null
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
}

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  java -Dloader.main=dev.outboxcdc.examples.demo.DemoDriver -jar examples/target/outbox-examples.jar \
    --delete-queues --rabbitmq-uri="$OUTBOX_TEST_RABBITMQ_URI" >/dev/null 2>&1 || echo "demo: could not delete the demo queues" >&2
  drop_demo_database
  echo "demo: stopped everything it started; dropped slot $slot and database $db" >&2
}

echo "demo: creating database $db" >&2
drop_demo_database
psql_admin -d postgres -c "CREATE DATABASE $db"
for sql in outbox-writer/src/main/resources/dev/outboxcdc/writer/schema/outbox_events.sql \
           outbox-writer/src/main/resources/dev/outboxcdc/writer/schema/processed_events.sql \
           examples/src/main/resources/dev/outboxcdc/examples/schema.sql; do
  psql_admin -d "$db" -f "$sql"
done
trap cleanup EXIT INT TERM

wait_ready() { # wait_ready NAME URL LOG
  for _ in $(seq 1 240); do
    curl -fsS "$2" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "demo: $1 did not become ready; its log: $3" >&2
  tail -20 "$3" >&2
  exit 1
}

echo "demo: starting cdc-relay on port $relay_port" >&2
read -ra relay_jvm_options <<<"$(cat scripts/relay-jvm-options)"
OUTBOX_DB_HOST="$OUTBOX_TEST_PG_HOST" OUTBOX_DB_PORT="$OUTBOX_TEST_PG_PORT" OUTBOX_DB_NAME=$db \
OUTBOX_DB_USER="$OUTBOX_TEST_PG_USER" OUTBOX_DB_PASSWORD="$OUTBOX_TEST_PG_PASSWORD" \
OUTBOX_SLOT=$slot OUTBOX_PUBLICATION=$slot OUTBOX_RABBITMQ_URI="$OUTBOX_TEST_RABBITMQ_URI" SERVER_PORT=$relay_port \
  java "${relay_jvm_options[@]}" -jar cdc-relay/target/cdc-relay.jar > "$run_dir/relay.log" 2>&1 &
pids+=($!)
wait_ready cdc-relay "http://127.0.0.1:$relay_port/actuator/health/readiness" "$run_dir/relay.log"

# The services and the driver live for a minute next to four other JVMs on what may be a 2-core machine:
# with the default tiered compilation (C2 on top of C1) they spent about twice the CPU on the same work
# (personnel 16.9 s CPU instead of 8.3 s for the same 3,875 requests), the driver fell 1.3 s behind schedule and
# commit-to-effect went to seconds. C1 alone compiles the hot paths within the warm-up at a fraction of the
# cost. A long-running service keeps the JVM's defaults. The relay runs with the options it ships with.
read -ra service_jvm_options <<<"${DEMO_SERVICE_JVM_OPTIONS:--Xmx192m -XX:TieredStopAtLevel=1}"
read -ra driver_jvm_options <<<"${DEMO_DRIVER_JVM_OPTIONS:--XX:TieredStopAtLevel=1}"
start_service() { # start_service NAME PORT APPLICATION-CLASS
  echo "demo: starting $1 on port $2" >&2
  java "${service_jvm_options[@]}" -Dloader.main="$3" -jar examples/target/outbox-examples.jar \
    --spring.application.name="$1" --server.port="$2" \
    --spring.datasource.url="jdbc:postgresql://$OUTBOX_TEST_PG_HOST:$OUTBOX_TEST_PG_PORT/$db" \
    --spring.datasource.username="$OUTBOX_TEST_PG_USER" --spring.datasource.password="$OUTBOX_TEST_PG_PASSWORD" \
    --outbox.consumer.rabbitmq-uri="$OUTBOX_TEST_RABBITMQ_URI" > "$run_dir/$1.log" 2>&1 &
  pids+=($!)
}
start_service personnel $personnel_port dev.outboxcdc.examples.personnel.PersonnelApplication
start_service payroll $payroll_port dev.outboxcdc.examples.payroll.PayrollApplication
start_service notification $notification_port dev.outboxcdc.examples.notification.NotificationApplication
start_service accounting $accounting_port dev.outboxcdc.examples.accounting.AccountingApplication
for svc in personnel:$personnel_port payroll:$payroll_port notification:$notification_port accounting:$accounting_port; do
  wait_ready "${svc%%:*}" "http://127.0.0.1:${svc##*:}/actuator/health" "$run_dir/${svc%%:*}.log"
done

echo "demo: warm-up ($warmup_employees employees and the other flows, not measured), then $employees employees plus approvals, budgets and asset assignments at $rate/s through the personnel API" >&2
java "${driver_jvm_options[@]}" -Dloader.main=dev.outboxcdc.examples.demo.DemoDriver -jar examples/target/outbox-examples.jar \
  --employees="$employees" --personnel="http://127.0.0.1:$personnel_port" --relay="http://127.0.0.1:$relay_port" \
  --services="http://127.0.0.1:$personnel_port,http://127.0.0.1:$payroll_port,http://127.0.0.1:$notification_port,http://127.0.0.1:$accounting_port" \
  --jdbc-url="jdbc:postgresql://$OUTBOX_TEST_PG_HOST:$OUTBOX_TEST_PG_PORT/$db" --jdbc-user="$OUTBOX_TEST_PG_USER" \
  --jdbc-password="$OUTBOX_TEST_PG_PASSWORD" --rabbitmq-uri="$OUTBOX_TEST_RABBITMQ_URI" \
  --warmup-employees="$warmup_employees" --rate="$rate"

if $keep; then
  trap - EXIT INT TERM
  ui="http://127.0.0.1:15672 (user guest, from this machine)"
  if ! curl -fsS -o /dev/null http://127.0.0.1:15672/ 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && PATH="$PATH:/usr/sbin" command -v rabbitmq-plugins >/dev/null 2>&1; then
      echo "demo: CHANGED: enabling the RabbitMQ management plugin for its UI" >&2
      PATH="$PATH:/usr/sbin" rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 || ui="(could not enable rabbitmq_management)"
    else
      ui="(enable it: rabbitmq-plugins enable rabbitmq_management)"
    fi
  fi
  cat <<MSG

demo: everything keeps running (logs in $run_dir/). Look at:
  RabbitMQ management UI  $ui
  cdc-relay health        http://127.0.0.1:$relay_port/actuator/health
  cdc-relay metrics       http://127.0.0.1:$relay_port/actuator/prometheus
  personnel API           curl -X POST -H 'Content-Type: application/json' -d '{"name":"Ada","salary":52000}' http://127.0.0.1:$personnel_port/employees
Stop it with: kill ${pids[*]}; then drop the slot: SELECT pg_drop_replication_slot('$slot');
MSG
fi
