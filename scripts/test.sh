#!/usr/bin/env bash
# Runs the whole test suite (unit and integration tests) on this machine.
# Provisions what is missing first: PostgreSQL with wal_level=logical and RabbitMQ (see services.sh),
# and says what it changed. Extra arguments go to Maven, e.g. scripts/test.sh -pl cdc-relay -am.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null 2>&1 || { echo "test: ERROR: java 17+ is not installed (Debian: apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "test: ERROR: Maven is not installed (Debian: apt-get install maven)" >&2; exit 1; }

. scripts/services.sh
bash scripts/check-compose.sh

batch=()
[ -n "${CI:-}" ] && batch=(-B --no-transfer-progress)
exec mvn "${batch[@]}" verify "$@"
