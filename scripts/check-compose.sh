#!/usr/bin/env bash
# Validates docker/compose.yml with the Docker Compose client (no engine needed): `docker compose config`,
# else the standalone `docker-compose` (installed from Debian's packages when absent and running as root, unless
# OUTBOX_TEST_SERVICES=given, which installs nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif [ "${OUTBOX_TEST_SERVICES:-provision}" != given ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "check-compose: installing docker-compose with apt-get to validate docker/compose.yml" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >&2
  compose=(docker-compose)
else
  msg="check-compose: no Docker Compose client (docker compose or docker-compose): docker/compose.yml was NOT validated"
  if [ -n "${CI:-}" ]; then echo "$msg" >&2; exit 1; fi
  echo "$msg; install one to check it" >&2
  exit 0
fi
"${compose[@]}" -f docker/compose.yml config -q
echo "check-compose: docker/compose.yml is valid (${compose[*]})" >&2
