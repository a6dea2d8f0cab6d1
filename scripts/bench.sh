#!/usr/bin/env bash
# The benchmark: raw publish ceiling, cdc-relay and the polling relay it replaces, side by side, in one run.
#   scripts/bench.sh           full run (100,000-event phases, 30 s paced, 1,000,000 retained rows): ~15 min
#   scripts/bench.sh --quick   CI-sized run: ~3 min
# Prints the markdown table and writes it to docs/benchmarks.md (--output=FILE to change, --output= for none).
# Uses the local PostgreSQL and RabbitMQ, provisioned as scripts/test.sh does; builds what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/services.sh

echo "bench: building cdc-relay and the benchmark" >&2
mvn -B -q -DskipTests package -pl cdc-relay,bench -am >&2
exec java -Xmx1g -jar bench/target/outbox-bench.jar "$@"
