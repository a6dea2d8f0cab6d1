#!/usr/bin/env bash
# Proves the Docker deployment: builds docker/cdc-relay.Dockerfile and docker/examples.Dockerfile, starts
# docker/compose.yml, waits for every health check, writes an employee.created through the personnel service
# and sees payroll's record of it, checks that the relay runs as a non-root user and exits 0 on `docker stop`
# (SIGTERM), prints the image sizes and tears everything down. Exit 0 only when all of that held.
#
#   scripts/check-docker.sh            (as root on a machine without a Docker engine it starts its own)
#
# Where no registry is reachable (as here) the official base images are replaced by local equivalents built
# from Debian packages (scripts/docker-check/*.Dockerfile on a debootstrapped bookworm): the shipped
# Dockerfiles take their base images as build arguments, docker/compose.yml is used as shipped, and
# scripts/docker-check/compose.host-network.yml only moves the services onto the host's network (this
# engine runs without bridge networking) with ports of their own and the PostgreSQL/RabbitMQ stand-ins.
# CHECK_OFFICIAL_IMAGES=1 builds with the official base images and runs the official PostgreSQL and
# RabbitMQ images instead (needs a registry).
#
# When no engine is reachable (DOCKER_HOST or the default socket) it starts dockerd (root only) with
#   --iptables=false --bridge=none --storage-driver=overlay2 (vfs where overlay2 does not start)
# on a socket of its own and stops it on exit. It installs what it lacks (docker.io, docker-compose,
# debootstrap) with apt-get when it runs as root. Exit status 77 means "skipped": no engine and none can be
# started here (the reason is printed); CHECK_DOCKER_REQUIRED=1 turns that into a failure.
#
# Cache (CHECK_DOCKER_CACHE, default target/docker-check): the debootstrapped rootfs and the engine's data
# (stand-in images, build cache), so a second run skips debootstrap and the stand-in builds.
# Ports (all on 127.0.0.1, away from the host's own 5432/5672/8080): CHECK_PG_PORT (55432),
# CHECK_RABBITMQ_PORT (55672), CHECK_RABBITMQ_MANAGEMENT_PORT (55673), CHECK_RABBITMQ_DIST_PORT (55674),
# CHECK_RABBITMQ_PROMETHEUS_PORT (55692), CHECK_EPMD_PORT (54369), CHECK_RELAY_PORT (58080), CHECK_PERSONNEL_PORT
# (58081), CHECK_PAYROLL_PORT (58082), CHECK_NOTIFICATION_PORT (58083), CHECK_ACCOUNTING_PORT (58084),
# CHECK_M2_MIRROR_PORT (58090, the builder's read-only view of ~/.m2/repository).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

log() { echo "check-docker: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }
skip() {
  if [ "${CHECK_DOCKER_REQUIRED:-}" = 1 ]; then die "$*"; fi
  log "SKIPPED: $*"
  exit 77
}

cache="${CHECK_DOCKER_CACHE:-$root/target/docker-check}"
export CHECK_PG_PORT="${CHECK_PG_PORT:-55432}" CHECK_RABBITMQ_PORT="${CHECK_RABBITMQ_PORT:-55672}"
export CHECK_RABBITMQ_MANAGEMENT_PORT="${CHECK_RABBITMQ_MANAGEMENT_PORT:-55673}"
export CHECK_RABBITMQ_DIST_PORT="${CHECK_RABBITMQ_DIST_PORT:-55674}"
export CHECK_RABBITMQ_PROMETHEUS_PORT="${CHECK_RABBITMQ_PROMETHEUS_PORT:-55692}" CHECK_EPMD_PORT="${CHECK_EPMD_PORT:-54369}"
export CHECK_RELAY_PORT="${CHECK_RELAY_PORT:-58080}" CHECK_PERSONNEL_PORT="${CHECK_PERSONNEL_PORT:-58081}"
export CHECK_PAYROLL_PORT="${CHECK_PAYROLL_PORT:-58082}" CHECK_NOTIFICATION_PORT="${CHECK_NOTIFICATION_PORT:-58083}"
export CHECK_ACCOUNTING_PORT="${CHECK_ACCOUNTING_PORT:-58084}"
m2_port="${CHECK_M2_MIRROR_PORT:-58090}"
debian_mirror="${CHECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
official="${CHECK_OFFICIAL_IMAGES:-}"
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0 # the classic builder: it runs on every engine version
started=$SECONDS

# ---------------------------------------------------------------------------------------------- tools
need_packages=()
command -v docker >/dev/null || need_packages+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || need_packages+=(docker-compose)
[ -n "$official" ] || command -v debootstrap >/dev/null || need_packages+=(debootstrap)

# shellcheck source=scripts/docker-check/engine.sh
. scripts/docker-check/engine.sh
if ! { command -v docker >/dev/null && engine_reachable; } && ! command -v dockerd >/dev/null; then
  need_packages+=(docker.io)
fi
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    skip "missing ${need_packages[*]} and cannot install them (needs root and apt-get)"
  fi
  log "installing ${need_packages[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_packages[@]}"; } >&2 \
    || die "apt-get could not install ${need_packages[*]}"
fi
if docker compose version >/dev/null 2>&1; then compose_cmd=(docker compose); else compose_cmd=(docker-compose); fi

# ------------------------------------------------------------------------------------ cleanup on exit
mkdir -p "$cache"
exec 9>"$cache/lock"
flock -n 9 || die "another check-docker.sh holds $cache/lock"
run_dir="$(mktemp -d /tmp/outbox-check-docker.XXXXXX)"
dockerd_pid="" m2_pid="" compose_up=false
compose() {
  "${compose_cmd[@]}" -p outbox-check -f "$compose_file" "$@"
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  if $compose_up; then
    compose logs --no-color >"$cache/compose.log" 2>&1
    if [ "$status" != 0 ]; then
      log "logs of the stack (last 60 lines per service; all of them in $cache/compose.log):"
      compose logs --no-color --tail=60 >&2 2>&1
    fi
    log "tearing the stack down"
    compose down -v --remove-orphans >/dev/null 2>&1 || log "compose down failed: see docker ps -a"
  fi
  [ -n "$m2_pid" ] && kill "$m2_pid" 2>/dev/null && wait "$m2_pid" 2>/dev/null
  if [ -n "$dockerd_pid" ]; then
    # Containers of ours that are left (a failed build's) go first.
    docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1
    # Untagged images are the build cache of the Maven stages: only drop what no run used for a week.
    docker image prune -f --filter until=168h >/dev/null 2>&1
  fi
  stop_dockerd
  rm -rf "$run_dir"
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
if engine_reachable; then
  log "using the reachable Docker engine ($(docker version -f '{{.Server.Version}}'))"
else
  [ "$(id -u)" = 0 ] || skip "no Docker engine is reachable and only root can start dockerd"
  start_dockerd "${CHECK_DOCKER_STORAGE_DRIVER:-overlay2 vfs}"
fi

# ------------------------------------------------------------------------------------------- images
build_image() { # build_image TAG DOCKERFILE CONTEXT [docker build options]
  local tag="$1" file="$2" context="$3" build_log="$cache/build-${1//[\/:]/_}.log" t0=$SECONDS
  shift 3
  log "building $tag from $file"
  if ! docker build --network host -t "$tag" -f "$file" "$@" "$context" >"$build_log" 2>&1; then
    tail -40 "$build_log" >&2
    die "docker build of $file failed (whole log: $build_log)"
  fi
  log "built $tag in $((SECONDS - t0)) s"
}

build_args=() compose_file="$root/docker/compose.yml"
if [ -n "$official" ]; then
  log "CHECK_OFFICIAL_IMAGES set: building on the official base images"
else
  base=outbox-check/debian:bookworm
  import_debian_base "$base"

  # The builder stage resolves dependencies from the host's Maven repository when there is one (served
  # read-only over HTTP on the loopback interface), else from Maven Central.
  m2_repo="${CHECK_M2_REPOSITORY:-$HOME/.m2/repository}" maven_mirror=""
  if [ -d "$m2_repo" ]; then
    python3 -m http.server --bind 127.0.0.1 --directory "$m2_repo" "$m2_port" >"$cache/m2-mirror.log" 2>&1 &
    m2_pid=$!
    maven_mirror="http://127.0.0.1:$m2_port/"
    for _ in $(seq 1 50); do curl -fsS -o /dev/null "$maven_mirror" 2>/dev/null && break; sleep 0.2; done
    curl -fsS -o /dev/null "$maven_mirror" || die "the Maven repository mirror on port $m2_port did not start (log: $cache/m2-mirror.log)"
  fi

  stand_ins=scripts/docker-check
  build_image outbox-check/jre:17 $stand_ins/jre.Dockerfile $stand_ins --build-arg BASE_IMAGE=$base
  build_image outbox-check/maven:17 $stand_ins/maven.Dockerfile $stand_ins --build-arg BASE_IMAGE=$base \
    --build-arg MAVEN_MIRROR="$maven_mirror"
  build_image outbox-check/postgres:15 $stand_ins/postgres.Dockerfile $stand_ins --build-arg BASE_IMAGE=$base
  build_image outbox-check/rabbitmq:3 $stand_ins/rabbitmq.Dockerfile $stand_ins --build-arg BASE_IMAGE=$base
  build_args=(--build-arg MAVEN_IMAGE=outbox-check/maven:17 --build-arg JRE_IMAGE=outbox-check/jre:17)
  # Compose v1 refuses published ports on the host's network and cannot drop list entries in an override:
  # the merged configuration is written out without them (they mean nothing there).
  "${compose_cmd[@]}" -p outbox-check -f "$root/docker/compose.yml" \
    -f "$root/scripts/docker-check/compose.host-network.yml" config >"$run_dir/compose.merged.yml" \
    || die "docker/compose.yml with scripts/docker-check/compose.host-network.yml does not validate"
  python3 - "$run_dir/compose.merged.yml" "$run_dir/compose.yml" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
for service in config["services"].values():
    if service.get("network_mode") == "host":
        service.pop("ports", None)
yaml.safe_dump(config, open(sys.argv[2], "w"), sort_keys=False)
PY
  compose_file="$run_dir/compose.yml"
fi

build_image outbox-cdc/cdc-relay docker/cdc-relay.Dockerfile . "${build_args[@]}"
build_image outbox-cdc/examples docker/examples.Dockerfile . "${build_args[@]}"
[ -z "$m2_pid" ] || { kill "$m2_pid" 2>/dev/null; wait "$m2_pid" 2>/dev/null || true; m2_pid=""; }

# The relay image's class-data sharing archive must match its JVM and jar: -Xshare:on refuses to start otherwise.
log "checking the relay image's class-data sharing archive (-Xshare:on, a training start that contacts nothing)"
docker run --rm --network host --entrypoint java outbox-cdc/cdc-relay -Xshare:on \
  -XX:SharedArchiveFile=/app/relay/cdc-relay.jsa -Dspring.context.exit=onRefresh -Dserver.port=0 \
  -Doutbox.cds-training=true -jar /app/relay/cdc-relay.jar >"$cache/cds-check.log" 2>&1 \
  || { tail -20 "$cache/cds-check.log" >&2; die "the relay image's CDS archive does not load (log: $cache/cds-check.log)"; }

# -------------------------------------------------------------------------------------------- stack
services=(postgres rabbitmq cdc-relay personnel payroll notification accounting)
log "starting the compose stack"
compose_up=true
compose up -d --no-build >"$cache/compose-up.log" 2>&1 || { cat "$cache/compose-up.log" >&2; die "docker compose up failed"; }

container() { compose ps -q "$1"; }
health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1"; }
log "waiting for every health check (up to ${CHECK_HEALTH_TIMEOUT:-600} s)"
deadline=$((SECONDS + ${CHECK_HEALTH_TIMEOUT:-600}))
while :; do
  pending=()
  for service in "${services[@]}"; do
    id="$(container "$service")"
    [ -n "$id" ] || die "service $service has no container"
    status="$(health "$id")"
    case "$status" in
      healthy) ;;
      exited|dead) die "service $service is $status" ;;
      *) pending+=("$service:$status") ;;
    esac
  done
  [ ${#pending[@]} -eq 0 ] && break
  # A health check may report unhealthy while a JVM is still starting on a busy host: wait for the deadline.
  [ $SECONDS -lt $deadline ] || die "not healthy after ${CHECK_HEALTH_TIMEOUT:-600} s: ${pending[*]}"
  sleep 3
done
log "all ${#services[@]} services are healthy after $((SECONDS - started)) s"

# ------------------------------------------------------------------------------------------- checks
if [ -n "$official" ]; then personnel_port=8081; else personnel_port=$CHECK_PERSONNEL_PORT; fi
pg_container="$(container postgres)" relay_container="$(container cdc-relay)"
psql_outbox() { docker exec "$pg_container" psql -U postgres -d outbox -Atq -v ON_ERROR_STOP=1 -c "$1"; }

name="check-docker-$$-$RANDOM"
log "POST /employees to personnel (name $name)"
response="$(curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"name\":\"$name\",\"salary\":52000}" \
  "http://127.0.0.1:$personnel_port/employees")" || die "personnel did not accept POST /employees"
log "personnel answered: $response"
[ "$(psql_outbox "SELECT count(*) FROM employees WHERE name = '$name'")" = 1 ] || die "personnel did not store the employee"
for _ in $(seq 1 60); do
  monthly="$(psql_outbox "SELECT monthly_salary FROM payroll_records WHERE name = '$name'")"
  [ -n "$monthly" ] && break
  sleep 1
done
[ -n "${monthly:-}" ] || die "payroll has no record of $name after 60 s (relay or payroll consumer not working)"
[ "$monthly" = 4333.33 ] || die "payroll recorded monthly salary $monthly for 52000 a year, expected 4333.33"
log "payroll recorded $name with monthly salary $monthly: personnel -> outbox -> WAL -> relay -> RabbitMQ -> payroll works"

relay_uid="$(docker exec "$relay_container" awk '/^Uid:/ { print $2 }' /proc/1/status)"
if [ -z "$relay_uid" ] || [ "$relay_uid" = 0 ]; then die "the relay's process runs as uid '${relay_uid}', not as a non-root user"; fi
log "the relay's process (PID 1 in its container) runs as uid $relay_uid"

log "docker stop (SIGTERM) of the relay"
t0=$SECONDS
docker stop -t 60 "$relay_container" >/dev/null
relay_exit="$(docker inspect -f '{{.State.ExitCode}}' "$relay_container")"
[ "$relay_exit" = 0 ] || die "the relay exited with $relay_exit on SIGTERM, expected 0"
log "the relay stopped in $((SECONDS - t0)) s with exit code 0"

log "image sizes:"
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E '^outbox-(cdc|check)/' | sort | sed 's/^/  /' >&2
if [ -z "$official" ]; then
  log "(sizes on the Debian stand-in bases, not on eclipse-temurin)"
fi
