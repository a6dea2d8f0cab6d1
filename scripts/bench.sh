#!/usr/bin/env bash
# The benchmark: raw publish ceiling, cdc-relay and the polling relay it replaces, side by side, in one run;
# then consumer-support next to a hand-written consumer doing the same work and the broker's delivery rate.
# cdc-relay runs two ways, both configured by environment variables only:
#   cdc-relay        java -jar cdc-relay/target/cdc-relay.jar   (the jar as built, no JVM options; the targets)
#   cdc-relay-image  JAVA_TOOL_OPTIONS="$(cat scripts/relay-jvm-options)" \
#                    java -XX:SharedArchiveFile=cdc-relay/target/cds/cdc-relay.jsa -jar cdc-relay/target/cds/cdc-relay.jar
#                    (as docker/cdc-relay.Dockerfile runs it; scripts/relay-cds.sh prepares the directory)
#   scripts/bench.sh           full run (100,000-event phases, 30 s paced, 1,000,000 retained rows,
#                              consumers draining 50,000 events x 6 consumers x 3 rounds): ~40 min
#   scripts/bench.sh --quick   CI-sized run (consumers drain 20,000 events each): ~10 min
# Prints the markdown tables and writes them to docs/benchmarks.md (--quick) or docs/benchmarks-full.md
# (--output=FILE to change, --output= for none). Parts, e.g. while profiling:
#   --relays=cdc-relay,cdc-relay-image,polling  --phases=drain,keep-up,paced,large,consumers
#   --consumers=raw,hand-written,hand-written-250,support-1,support-2,support-4  --consumer-events=N  --rounds=N
#   scripts/bench.sh --phases=consumers    the consumer phase alone (no relay is built or run)
# JVM options of the benchmark process (where the consumers run) through OUTBOX_BENCH_JVM_OPTS; JVM options
# added to both cdc-relay command lines (a profiler) through OUTBOX_BENCH_RELAY_JVM_OPTS.
# Uses the local PostgreSQL and RabbitMQ, provisioned as scripts/test.sh does; builds what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

relays=true
image=true
for arg in "$@"; do
  case "$arg" in
    --phases=*) [[ ",${arg#--phases=}," =~ ,(drain|keep-up|paced|large), ]] || relays=false ;;
    --relays=*) [[ ",${arg#--relays=}," == *,cdc-relay-image,* ]] || image=false ;;
  esac
done

. scripts/services.sh

if $relays; then
  echo "bench: building cdc-relay and the benchmark" >&2
  mvn -B -q -DskipTests package -pl cdc-relay,bench -am >&2
  if $image; then
    # cdc-relay-image: with a class-data sharing archive, as the Docker image runs it.
    bash scripts/relay-cds.sh cdc-relay/target/cdc-relay.jar cdc-relay/target/cds
  fi
else
  echo "bench: building the benchmark (no relay phase asked for)" >&2
  mvn -B -q -DskipTests package -pl bench -am >&2
fi
# shellcheck disable=SC2086 # the options are words
exec java -Xmx1g ${OUTBOX_BENCH_JVM_OPTS:-} -jar bench/target/outbox-bench.jar "$@"
