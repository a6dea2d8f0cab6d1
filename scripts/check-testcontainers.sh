#!/usr/bin/env bash
# Runs integration tests through test-support's Testcontainers path (TestServices starts PostgreSQL and RabbitMQ
# in containers), the path a developer with a Docker engine and no OUTBOX_TEST_* services takes.
#
#   scripts/check-testcontainers.sh                 (as root; starts a dockerd of its own and stops it on exit)
#   CHECK_TC_ITS=OutboxWriterIT CHECK_TC_MODULES=outbox-writer scripts/check-testcontainers.sh
#
# What it does: starts dockerd on a private socket (--bridge=none --iptables=false, overlay2 else vfs: the only
# kind of engine this machine runs), builds the PostgreSQL and RabbitMQ stand-in images from Debian packages on
# a debootstrapped bookworm (scripts/docker-check/, as check-docker.sh does: no registry is reachable), then runs
#   mvn verify -pl $CHECK_TC_MODULES -am -Dit.test=$CHECK_TC_ITS
# with every OUTBOX_TEST_* service variable unset and
#   OUTBOX_TEST_DOCKER_NETWORK=host                  containers on the host's network, on free loopback ports
#   OUTBOX_TEST_POSTGRES_IMAGE / _RABBITMQ_IMAGE     the stand-ins instead of postgres:15 / rabbitmq:3.13-management
#   TESTCONTAINERS_RYUK_DISABLED=true                Ryuk's image is not here either; Testcontainers removes its
#                                                    containers from a JVM shutdown hook, this script anything left
#   TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1           no "bridge" network to find the host's address from
# and removes every container and the engine on exit. Exit 0 only when the ITs passed and no container was left
# behind; 77 means skipped (not root, no dockerd and no apt-get to install it); CHECK_TC_REQUIRED=1 makes that a
# failure.
#
# Cache (CHECK_TC_CACHE, default target/tc-engine): the debootstrapped rootfs and the engine's data (the stand-in
# images), so later runs start in seconds. Logs: dockerd.log, build-*.log, mvn.log and, on failure,
# containers.log there. Maven runs offline (-o) unless CHECK_TC_MAVEN_ARGS says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

log() { echo "check-testcontainers: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }
skip() {
  if [ "${CHECK_TC_REQUIRED:-}" = 1 ]; then die "$*"; fi
  log "SKIPPED: $*"
  exit 77
}

cache="${CHECK_TC_CACHE:-$root/target/tc-engine}"
modules="${CHECK_TC_MODULES:-cdc-relay,consumer-support}"
its="${CHECK_TC_ITS:-RelayEnvelopeIT,OutboxConsumerIT}"
read -r -a maven_args <<<"${CHECK_TC_MAVEN_ARGS:--o}"
debian_mirror="${CHECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
postgres_image=outbox-check/postgres:15 rabbitmq_image=outbox-check/rabbitmq:3 base=outbox-check/debian:bookworm
export DOCKER_BUILDKIT=0 # the classic builder: it runs on every engine version
started=$SECONDS

# ---------------------------------------------------------------------------------------------- tools
[ "$(id -u)" = 0 ] || skip "only root can start the private dockerd this check runs on"
need_packages=()
command -v docker >/dev/null && command -v dockerd >/dev/null || need_packages+=(docker.io)
command -v debootstrap >/dev/null || need_packages+=(debootstrap)
if [ ${#need_packages[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || skip "missing ${need_packages[*]} and no apt-get to install them"
  log "installing ${need_packages[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_packages[@]}"; } >&2 \
    || die "apt-get could not install ${need_packages[*]}"
fi

# ------------------------------------------------------------------------------------ cleanup on exit
mkdir -p "$cache"
exec 9>"$cache/lock"
flock -n 9 || die "another check-testcontainers.sh holds $cache/lock"
# dockerd's and containerd's sockets live under the exec root: keep its path short.
if [ ${#cache} -le 60 ]; then run_dir="$(mktemp -d "$cache/run.XXXXXX")"; else run_dir="$(mktemp -d /tmp/outbox-tc.XXXXXX)"; fi
export DOCKER_HOST="unix://$run_dir/docker.sock"
dockerd_pid=""
tc_properties="$HOME/.testcontainers.properties"
[ -e "$tc_properties" ] && tc_properties_existed=true || tc_properties_existed=false

# shellcheck source=scripts/docker-check/engine.sh
. scripts/docker-check/engine.sh
remove_containers() { docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1; }
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  stop_dockerd
  rm -rf "$run_dir"
  # Testcontainers may remember the engine it found in the user's configuration: not this throw-away one.
  $tc_properties_existed || rm -f "$tc_properties"
  if [ "$status" = 0 ]; then
    log "PASSED in $((SECONDS - started)) s"
  elif [ "$status" != 77 ]; then
    log "failed (exit $status) after $((SECONDS - started)) s"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------------------------------- the engine
start_dockerd "${CHECK_TC_STORAGE_DRIVER:-overlay2 vfs}"
remove_containers # a killed earlier run may have left some in the cached engine data

# ------------------------------------------------------------------------------------------- images
build_image() { # build_image TAG DOCKERFILE
  local tag="$1" file="$2" build_log="$cache/build-${1//[\/:]/_}.log" t0=$SECONDS
  log "building $tag from $file"
  if ! docker build --network host -t "$tag" -f "$file" --build-arg BASE_IMAGE=$base scripts/docker-check \
    >"$build_log" 2>&1; then
    tail -40 "$build_log" >&2
    die "docker build of $file failed (whole log: $build_log)"
  fi
  log "built $tag in $((SECONDS - t0)) s"
}

import_debian_base "$base"
# Rebuilt every run: the classic builder's cache makes an unchanged image a matter of seconds.
build_image "$postgres_image" scripts/docker-check/postgres.Dockerfile
build_image "$rabbitmq_image" scripts/docker-check/rabbitmq.Dockerfile

# -------------------------------------------------------------------------------------------- tests
# TestServices takes the Testcontainers path only when no service is given through the environment.
for variable in $(compgen -e | grep '^OUTBOX_TEST_' || true); do unset "$variable"; done
export OUTBOX_TEST_DOCKER_NETWORK=host OUTBOX_TEST_POSTGRES_IMAGE="$postgres_image"
export OUTBOX_TEST_RABBITMQ_IMAGE="$rabbitmq_image" TESTCONTAINERS_RYUK_DISABLED=true
# The host's address as Testcontainers reports it. Without it, on a host that looks like a container
# (/.dockerenv, as here) Testcontainers asks the engine for its "bridge" network's gateway, and there is none.
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1

log "running $its in $modules through Testcontainers (log: $cache/mvn.log)"
t0=$SECONDS since="$(date +%s)"
mvn_status=0
mvn -B "${maven_args[@]}" verify -pl "$modules" -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$its" -Dfailsafe.failIfNoSpecifiedTests=false >"$cache/mvn.log" 2>&1 || mvn_status=$?
grep -E '^\[(INFO|WARNING|ERROR)\] (Tests run:|Running |.*<<< )' "$cache/mvn.log" | sed 's/^/  /' >&2 || true
# What the engine saw (the tests' own logging may be off): the containers the tests started.
started_images="$(docker events --since "$since" --until "$(date +%s)" --filter type=container --filter event=start \
  --format '{{.Actor.Attributes.image}}' | sort | uniq -c | sed 's/^ *//' | paste -sd, -)"
log "containers started by the tests: ${started_images:-none}"

left="$(docker ps -aq)"
if [ "$mvn_status" != 0 ] || [ -n "$left" ]; then
  for id in $left; do
    { docker inspect "$id"; docker logs "$id"; } >>"$cache/containers.log" 2>&1
  done
fi
[ "$mvn_status" = 0 ] || { tail -60 "$cache/mvn.log" >&2; die "mvn verify failed (exit $mvn_status; whole log: $cache/mvn.log)"; }
ran="$(grep -cE '^\[INFO\] Tests run: [1-9].*in dev\.outboxcdc' "$cache/mvn.log" || true)"
[ "$ran" -gt 0 ] || die "no integration test ran (CHECK_TC_ITS=$its in CHECK_TC_MODULES=$modules)"
[ -n "$started_images" ] || die "the tests passed without starting a container: not the Testcontainers path"
[ -z "$left" ] || die "containers left behind after the tests: ${left//$'\n'/ } (inspect and logs: $cache/containers.log)"
log "$its passed through Testcontainers in $((SECONDS - t0)) s; no container left behind"
