#!/usr/bin/env bash
# Prepares cdc-relay for a fast start: copies the jar into DIR (the archive records the jar's path, size and
# time, so it belongs to that copy) and records a class-data sharing archive, DIR/cdc-relay.jsa, by starting
# the application context once without connecting to anything. Run the relay from it with
#   java -XX:SharedArchiveFile=DIR/cdc-relay.jsa <JVM options> -jar DIR/cdc-relay.jar
# The archive belongs to the JVM that made it: make it with the java that runs the relay.
#   scripts/relay-cds.sh [JAR [DIR]]   (defaults: cdc-relay/target/cdc-relay.jar, cdc-relay/target/cds)
# Skips the work when DIR's archive is newer than JAR. JVM options: OUTBOX_RELAY_JVM_OPTS.
set -euo pipefail

jar="${1:-cdc-relay/target/cdc-relay.jar}"
dir="${2:-cdc-relay/target/cds}"
jvm_opts="${OUTBOX_RELAY_JVM_OPTS:-$(cat "$(dirname "$0")/relay-jvm-options")}"

if [ ! -f "$jar" ]; then
  echo "relay-cds: $jar does not exist; build it first (mvn -DskipTests package -pl cdc-relay -am)" >&2
  exit 1
fi
if [ -f "$dir/cdc-relay.jsa" ] && [ "$dir/cdc-relay.jsa" -nt "$jar" ]; then
  exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
cp "$jar" "$dir/cdc-relay.jar"
# A training start: the context is refreshed, the classes the relay start needs are loaded
# (outbox.cds-training) and the JVM exits before the relay starts, so nothing is
# contacted. Only the defaults are used: the operator's OUTBOX_* settings do not matter here.
log="$dir/cds-training.log"
# shellcheck disable=SC2086
if ! env -i PATH="$PATH" HOME="${HOME:-/tmp}" java $jvm_opts -XX:ArchiveClassesAtExit="$dir/cdc-relay.jsa" \
    -Dspring.context.exit=onRefresh -Dserver.port=0 -Doutbox.cds-training=true -jar "$dir/cdc-relay.jar" >"$log" 2>&1 \
    || [ ! -f "$dir/cdc-relay.jsa" ]; then
  echo "relay-cds: the training start failed; see $log" >&2
  exit 1
fi
echo "relay-cds: $dir/cdc-relay.jar with class-data sharing archive $dir/cdc-relay.jsa" >&2
