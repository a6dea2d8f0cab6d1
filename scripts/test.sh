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

# The *ClusterIT tests need a three-node RabbitMQ cluster next to the single node: start it for this
# run and stop it (deleting its data) when the run ends, however it ends. OUTBOX_TEST_CLUSTER=0 skips
# it (the *ClusterIT tests are then reported skipped); a cluster already described by
# OUTBOX_TEST_RABBITMQ_CLUSTER_ADDRESSES is used as it is and left running.
if [ "${OUTBOX_TEST_CLUSTER:-1}" != 0 ] && [ -z "${OUTBOX_TEST_RABBITMQ_CLUSTER_ADDRESSES:-}" ]; then
  trap 'bash scripts/rabbitmq-cluster.sh stop || echo "test: WARNING: could not stop the RabbitMQ cluster: run scripts/rabbitmq-cluster.sh stop" >&2' EXIT
  cluster_env=$(bash scripts/rabbitmq-cluster.sh start) \
    || { echo "test: ERROR: could not start the RabbitMQ cluster for the *ClusterIT tests (OUTBOX_TEST_CLUSTER=0 skips them)" >&2; exit 1; }
  eval "$cluster_env"
fi

batch=()
[ -n "${CI:-}" ] && batch=(-B --no-transfer-progress)
# Not exec: the trap above stops the cluster after Maven.
mvn "${batch[@]}" verify "$@"
