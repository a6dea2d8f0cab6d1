#!/usr/bin/env bash
# The benchmark: raw publish ceiling, cdc-relay and the polling relay it replaces, side by side, in one run.
#   scripts/bench.sh           full run (100,000-event phases, 30 s paced, 1,000,000 retained rows): ~25 min
#   scripts/bench.sh --quick   CI-sized run: ~5 min
# Prints the markdown table and writes it to docs/benchmarks.md (--quick) or docs/benchmarks-full.md
# (--output=FILE to change, --output= for none). --relays=cdc-relay,polling and
# --phases=drain,concurrent,paced,large run a part, e.g. while profiling.
# Uses the local PostgreSQL and RabbitMQ, provisioned as scripts/test.sh does; builds what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/services.sh

echo "bench: building cdc-relay and the benchmark" >&2
mvn -B -q -DskipTests package -pl cdc-relay,bench -am >&2
# The relay runs as scripts/run-relay.sh and the Docker image run it: extracted, with a class-data sharing archive.
bash scripts/relay-cds.sh cdc-relay/target/cdc-relay.jar cdc-relay/target/cds
export OUTBOX_BENCH_RELAY_JAR="${OUTBOX_BENCH_RELAY_JAR:-cdc-relay/target/cds/cdc-relay.jar}"
exec java -Xmx1g -jar bench/target/outbox-bench.jar "$@"
