#!/usr/bin/env bash
# Runs the test suite on this machine, fast tests first:
#   1. the unit tests (*Test, Surefire) of every module: `mvn test`; they need no services;
#   2. the integration tests (*IT, Failsafe) against PostgreSQL and RabbitMQ: `mvn verify -DskipUnitTests`
#      (the parent pom wires skipUnitTests to Surefire only, so the unit tests do not run twice);
#   3. the Docker deployment: scripts/check-docker.sh builds the images and runs the compose stack end to end,
#      then scripts/check-testcontainers.sh runs two integration tests through test-support's Testcontainers path.
#      It starts its own dockerd when none is reachable; where none can start (not root, no apt-get) it is
#      reported as skipped, loudly. OUTBOX_TEST_DOCKER=0 skips it; with OUTBOX_TEST_SERVICES=given it runs only
#      when a Docker engine is already reachable (it installs nothing then).
# Before phase 2 it finds the services, setting up what is missing unless OUTBOX_TEST_SERVICES=given
# (see services.sh), validates docker/compose.yml and starts the RabbitMQ cluster of the *ClusterIT tests.
#
#   scripts/test.sh [--unit | --integration | --docker] [Maven arguments]
#
# --unit runs phase 1 only (no services are needed or touched), --integration phase 2 only, --docker phase 3
# only. The Maven arguments go to both Maven phases, e.g. scripts/test.sh -pl cdc-relay -am -Dit.test=RelayCrashIT. With CI set
# (.ci/run), both phases fail on unformatted Java code (the parent pom's format-check profile).
set -euo pipefail
cd "$(dirname "$0")/.."

phases=all
case "${1:-}" in
  --unit) phases=unit; shift ;;
  --integration) phases=integration; shift ;;
  --docker) phases=docker; shift ;;
esac

command -v java >/dev/null 2>&1 || { echo "test: ERROR: java 17+ is not installed (Debian: apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "test: ERROR: Maven is not installed (Debian: apt-get install maven)" >&2; exit 1; }

batch=()
if [ -n "${CI:-}" ]; then batch=(-B --no-transfer-progress); fi

docker_phase() {
  if [ "${OUTBOX_TEST_DOCKER:-1}" = 0 ]; then
    echo "test: phase 3 SKIPPED: OUTBOX_TEST_DOCKER=0 (the Docker deployment was not checked)" >&2
    return 0
  fi
  if [ "${OUTBOX_TEST_SERVICES:-provision}" = given ] && ! docker info >/dev/null 2>&1; then
    echo "test: phase 3 SKIPPED: OUTBOX_TEST_SERVICES=given and no Docker engine is reachable (the Docker deployment was not checked)" >&2
    return 0
  fi
  echo "test: phase 3: the Docker deployment (scripts/check-docker.sh)" >&2
  local status=0
  bash scripts/check-docker.sh || status=$?
  if [ "$status" = 77 ]; then
    echo "test: phase 3 SKIPPED: no Docker engine here and none could be started (see above); the Docker deployment was not checked" >&2
    return 0
  fi
  [ "$status" = 0 ] || return "$status"
  # The same cache: the engine's data already holds the stand-in images check-docker.sh built.
  echo "test: phase 3: integration tests through Testcontainers (scripts/check-testcontainers.sh)" >&2
  CHECK_TC_CACHE="${CHECK_DOCKER_CACHE:-$PWD/target/docker-check}" bash scripts/check-testcontainers.sh || status=$?
  if [ "$status" = 77 ]; then
    echo "test: phase 3: the Testcontainers path SKIPPED (see above)" >&2
    return 0
  fi
  return "$status"
}

if [ "$phases" = docker ]; then
  docker_phase
  exit
fi

if [ "$phases" != integration ]; then
  echo "test: phase 1: unit tests of every module (mvn test)" >&2
  mvn "${batch[@]}" test "$@"
fi
if [ "$phases" = unit ]; then exit 0; fi

. scripts/services.sh
bash scripts/check-compose.sh

# The *ClusterIT tests need a three-node RabbitMQ cluster next to the single node: start it for this
# run and stop it (deleting its data) when the run ends, however it ends. OUTBOX_TEST_CLUSTER=0 skips
# it (the *ClusterIT tests are then reported skipped); a cluster already described by
# OUTBOX_TEST_RABBITMQ_CLUSTER_ADDRESSES is used as it is and left running. With OUTBOX_TEST_SERVICES=given
# none is started: only a cluster described that way is used.
if [ -n "${OUTBOX_TEST_RABBITMQ_CLUSTER_ADDRESSES:-}" ]; then
  echo "test: using the RabbitMQ cluster given by OUTBOX_TEST_RABBITMQ_CLUSTER_ADDRESSES" >&2
elif [ "${OUTBOX_TEST_SERVICES:-provision}" = given ]; then
  echo "test: OUTBOX_TEST_SERVICES=given and no OUTBOX_TEST_RABBITMQ_CLUSTER_ADDRESSES: the *ClusterIT tests are skipped" >&2
elif [ "${OUTBOX_TEST_CLUSTER:-1}" != 0 ]; then
  trap 'bash scripts/rabbitmq-cluster.sh stop || echo "test: WARNING: could not stop the RabbitMQ cluster: run scripts/rabbitmq-cluster.sh stop" >&2' EXIT
  cluster_started=1
  cluster_env=$(bash scripts/rabbitmq-cluster.sh start) \
    || { echo "test: ERROR: could not start the RabbitMQ cluster for the *ClusterIT tests (OUTBOX_TEST_CLUSTER=0 skips them)" >&2; exit 1; }
  eval "$cluster_env"
fi

echo "test: phase 2: integration tests (mvn verify -DskipUnitTests: the unit tests ran in phase 1)" >&2
# Not exec: the trap above stops the cluster after Maven.
mvn "${batch[@]}" verify -DskipUnitTests "$@"

if [ -n "${cluster_started:-}" ]; then
  # Before phase 3, which needs the CPU and memory the cluster holds.
  bash scripts/rabbitmq-cluster.sh stop || echo "test: WARNING: could not stop the RabbitMQ cluster: run scripts/rabbitmq-cluster.sh stop" >&2
  trap - EXIT
fi
if [ "$phases" = all ]; then
  docker_phase
fi
