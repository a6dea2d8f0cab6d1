#!/usr/bin/env bash
# Starts, inspects and stops a three-node RabbitMQ cluster on this machine for the *ClusterIT tests,
# next to (never instead of) the single node rabbit@localhost:5672 the rest of the suite uses.
#
#   scripts/rabbitmq-cluster.sh start              start outbox-c1..c3@localhost, cluster them, print the exports
#   scripts/rabbitmq-cluster.sh stop               stop the three nodes and delete their data
#   scripts/rabbitmq-cluster.sh status             exit 0 when all three run as one cluster, else 1
#   scripts/rabbitmq-cluster.sh env                print the exports (no check)
#   scripts/rabbitmq-cluster.sh start-node NODE    start one stopped node again (same name, ports, data)
#   scripts/rabbitmq-cluster.sh stop-node NODE     stop one node (its Erlang VM: every client connection closes)
#   scripts/rabbitmq-cluster.sh kill-node NODE     SIGKILL one node's Erlang VM (a crash)
#
# Use it as: eval "$(scripts/rabbitmq-cluster.sh start)". Every command is idempotent.
#
# Node i (1..3) is outbox-c<i>@localhost, AMQP on 127.0.0.1:568<i>, distribution on 2568<i>, with its
# own mnesia, log, enabled-plugins file (rabbitmq_consistent_hash_exchange) and rabbitmq.conf under
# OUTBOX_RABBITMQ_CLUSTER_DIR (default ${TMPDIR:-/tmp}/outbox-rabbitmq-cluster). The nodes run as the
# user Debian's rabbitmq-server runs as (rabbitmq), so they share its Erlang cookie and
# /usr/sbin/rabbitmqctl reaches them: rabbitmqctl -n outbox-c1@localhost cluster_status.
# /etc/rabbitmq/rabbitmq-env.conf (NODENAME=rabbit@localhost) is not read by these nodes: each one
# gets a clean environment and its own env file.
set -euo pipefail

readonly NODES=(outbox-c1@localhost outbox-c2@localhost outbox-c3@localhost)
readonly AMQP_PORTS=(5681 5682 5683)
readonly DIST_PORTS=(25681 25682 25683)
readonly CLUSTER_DIR="${OUTBOX_RABBITMQ_CLUSTER_DIR:-${TMPDIR:-/tmp}/outbox-rabbitmq-cluster}"
readonly RABBIT_USER=rabbitmq
readonly RABBIT_BIN=/usr/lib/rabbitmq/bin
readonly START_TIMEOUT_SECONDS="${OUTBOX_RABBITMQ_CLUSTER_TIMEOUT:-120}"
# Memory and CPU: the machine runs the suite on 2 cores. One scheduler, few async threads, and a
# memory watermark that blocks publishers long before a node could take the machine's memory.
readonly ERL_ARGS="+S 1:1 +A 4 +sbwt none +sbwtdcpu none +sbwtdio none"
readonly MEMORY_WATERMARK="512MiB"

say() { printf 'rabbitmq-cluster: %s\n' "$*" >&2; }
die() { printf 'rabbitmq-cluster: ERROR: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

index_of() { # index_of NODE: 0..2, or dies
  local i
  for i in 0 1 2; do [ "${NODES[$i]}" = "$1" ] && { echo "$i"; return; }; done
  die "unknown node '$1': the cluster's nodes are ${NODES[*]}"
}

require_tools() {
  if [ ! -x "$RABBIT_BIN/rabbitmq-server" ] || [ ! -x "$RABBIT_BIN/rabbitmqctl" ]; then
    die "rabbitmq-server is not installed ($RABBIT_BIN/rabbitmq-server missing): install it (Debian: apt-get install rabbitmq-server) and run again"
  fi
  id -u "$RABBIT_USER" >/dev/null 2>&1 || die "user $RABBIT_USER does not exist: is Debian's rabbitmq-server installed?"
  [ "$(id -u)" = 0 ] || die "run it as root: the nodes run as user $RABBIT_USER (to share the Erlang cookie of rabbit@localhost and rabbitmqctl) and only root can start them as that user"
}

as_rabbit() { # as_rabbit COMMAND...: runs as the rabbitmq user in a clean environment
  runuser -u "$RABBIT_USER" -- env -i HOME="$(getent passwd "$RABBIT_USER" | cut -d: -f6)" \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8 ERL_EPMD_ADDRESS=127.0.0.1 "$@"
}

ctl() { # ctl NODE ARGS...: rabbitmqctl against NODE
  local node=$1; shift
  as_rabbit "$RABBIT_BIN/rabbitmqctl" -q -n "$node" "$@"
}

node_dir() { echo "$CLUSTER_DIR/${NODES[$1]%@*}"; }

write_node_files() { # write_node_files I
  local dir
  dir=$(node_dir "$1")
  mkdir -p "$dir/mnesia" "$dir/log"
  printf '%s\n' "[rabbitmq_consistent_hash_exchange]." > "$dir/enabled_plugins"
  printf '%s\n' \
    "# Written by scripts/rabbitmq-cluster.sh for ${NODES[$1]}." \
    "listeners.tcp.local = 127.0.0.1:${AMQP_PORTS[$1]}" \
    "vm_memory_high_watermark.absolute = $MEMORY_WATERMARK" \
    "disk_free_limit.absolute = 50MB" \
    "log.file.level = info" \
    "log.console = false" > "$dir/rabbitmq.conf"
  # Read instead of /etc/rabbitmq/rabbitmq-env.conf, whose NODENAME would win otherwise.
  printf '%s\n' "# Written by scripts/rabbitmq-cluster.sh: the environment of ${NODES[$1]}." \
    "ERL_EPMD_ADDRESS=127.0.0.1" > "$dir/rabbitmq-env.conf"
  chown -R "$RABBIT_USER:" "$dir"
}

start_one() { # start_one I: starts node I detached unless it answers already
  local i=$1 dir
  if port_open "${DIST_PORTS[$i]}" && ctl "${NODES[$i]}" ping >/dev/null 2>&1; then
    return 0
  fi
  port_open "${AMQP_PORTS[$i]}" && die "port ${AMQP_PORTS[$i]} is taken by something that is not ${NODES[$i]}: free it and run again"
  port_open "${DIST_PORTS[$i]}" && die "port ${DIST_PORTS[$i]} is taken by something that is not ${NODES[$i]}: free it and run again"
  write_node_files "$i"
  dir=$(node_dir "$i")
  say "starting ${NODES[$i]} (AMQP 127.0.0.1:${AMQP_PORTS[$i]}, data $dir)"
  (cd "$dir" && as_rabbit \
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    RABBITMQ_NODENAME="${NODES[$i]}" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="${AMQP_PORTS[$i]}" \
    RABBITMQ_DIST_PORT="${DIST_PORTS[$i]}" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$ERL_ARGS -kernel inet_dist_use_interface {127,0,0,1}" \
    "$RABBIT_BIN/rabbitmq-server" -detached) >"$dir/log/startup.out" 2>&1 \
    || die "rabbitmq-server did not start ${NODES[$i]}: see $dir/log/startup.out and $dir/log/"
}

await_running() { # await_running I: until the rabbit application runs on node I
  local i=$1 deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  # await_startup fails at once while the node's VM is not reachable yet: retry until the deadline.
  until ctl "${NODES[$i]}" -t "$START_TIMEOUT_SECONDS" await_startup >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "${NODES[$i]} did not finish starting within ${START_TIMEOUT_SECONDS}s: see $(node_dir "$i")/log/"
    sleep 1
  done
}

running_nodes() { # running_nodes NODE: the running members NODE sees, one per line
  ctl "$1" cluster_status --formatter json 2>/dev/null \
    | grep -o '"running_nodes":\[[^]]*\]' | grep -o 'outbox-c[0-9]@localhost' | sort || true
}

members() { # members NODE: the disc members NODE knows of, running or not
  ctl "$1" cluster_status --formatter json 2>/dev/null \
    | grep -o '"disk_nodes":\[[^]]*\]' | grep -o 'outbox-c[0-9]@localhost' | sort || true
}

all_ports_open() {
  port_open "${AMQP_PORTS[0]}" && port_open "${AMQP_PORTS[1]}" && port_open "${AMQP_PORTS[2]}"
}

clustered() { # clustered: all three run and node 1 sees all three running
  [ "$(running_nodes "${NODES[0]}" | tr '\n' ' ')" = "${NODES[*]} " ]
}

print_env() {
  local addresses="" i
  for i in 0 1 2; do addresses="${addresses:+$addresses,}127.0.0.1:${AMQP_PORTS[$i]}"; done
  local nodes
  nodes=$(IFS=,; echo "${NODES[*]}")
  echo "export OUTBOX_TEST_RABBITMQ_CLUSTER_ADDRESSES=$addresses"
  echo "export OUTBOX_TEST_RABBITMQ_CLUSTER_NODES=$nodes"
  echo "export OUTBOX_TEST_RABBITMQ_CLUSTER_SCRIPT=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
  echo "export OUTBOX_TEST_RABBITMQ_CLUSTER_CTL=/usr/sbin/rabbitmqctl"
}

cmd_start() {
  require_tools
  local began=$SECONDS i pids=() to_join=() members_now
  mkdir -p "$CLUSTER_DIR"
  chown "$RABBIT_USER:" "$CLUSTER_DIR"
  as_rabbit test -w "$CLUSTER_DIR" || die "user $RABBIT_USER cannot write $CLUSTER_DIR: set OUTBOX_RABBITMQ_CLUSTER_DIR to a directory it can reach"
  if all_ports_open && clustered; then
    say "cluster ${NODES[*]} already running"
    print_env
    return
  fi
  # rabbitmq-server -detached takes seconds to return, and every rabbitmqctl call starts a CLI VM
  # (2-3 s on a busy machine): start the nodes and wait for them in parallel.
  for i in 0 1 2; do start_one "$i" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i" || exit 1; done
  pids=()
  for i in 0 1 2; do await_running "$i" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i" || exit 1; done
  members_now=$(members "${NODES[0]}")
  for i in 1 2; do grep -qx "${NODES[$i]}" <<<"$members_now" || to_join+=("$i"); done
  if [ ${#to_join[@]} -gt 0 ]; then
    pids=()
    for i in "${to_join[@]}"; do ctl "${NODES[$i]}" stop_app >/dev/null & pids+=($!); done
    for i in "${pids[@]}"; do wait "$i" || die "could not stop the rabbit application to join a node"; done
    for i in "${to_join[@]}"; do # one at a time, as RabbitMQ asks
      say "joining ${NODES[$i]} to ${NODES[0]}"
      # join_cluster logs harmless "Failed to create a tracked connection table" errors: keep them in a file.
      ctl "${NODES[$i]}" join_cluster "${NODES[0]}" >"$(node_dir "$i")/log/join.out" 2>&1 \
        || die "${NODES[$i]} could not join ${NODES[0]}: $(cat "$(node_dir "$i")/log/join.out")"
    done
    pids=()
    for i in "${to_join[@]}"; do ctl "${NODES[$i]}" start_app >/dev/null & pids+=($!); done
    for i in "${pids[@]}"; do wait "$i" || die "a node did not start again after joining: see $CLUSTER_DIR/*/log/"; done
  fi
  for _ in $(seq 1 $((START_TIMEOUT_SECONDS * 2))); do clustered && break; sleep 0.5; done
  clustered || die "the nodes did not form one cluster: $(ctl "${NODES[0]}" cluster_status 2>&1 | tr '\n' ' ')"
  say "cluster ${NODES[*]} running, started in $((SECONDS - began))s"
  print_env
}

cmd_start_node() {
  require_tools
  local i began=$SECONDS
  i=$(index_of "$1")
  [ -d "$(node_dir "$i")/mnesia" ] || die "${NODES[$i]} has no data in $CLUSTER_DIR: run '$0 start' first"
  start_one "$i"
  await_running "$i"
  say "${NODES[$i]} running again after $((SECONDS - began))s"
}

cmd_stop_node() {
  require_tools
  local i dir
  i=$(index_of "$1")
  dir=$(node_dir "$i")
  if ctl "${NODES[$i]}" ping >/dev/null 2>&1; then
    say "stopping ${NODES[$i]}"
    ctl "${NODES[$i]}" stop "$dir/pid" >/dev/null 2>&1 || kill_pid "$i"
  fi
}

node_pids() { # node_pids I: the Erlang VM(s) of node I (its name is in their environment, not on the command line)
  local pid
  for pid in $(pgrep -u "$RABBIT_USER" -f beam || true); do
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "RABBITMQ_NODENAME=${NODES[$1]}" && echo "$pid"
  done
  return 0
}

kill_pid() { # kill_pid I: SIGKILL node I's Erlang VM, if it runs
  local pids
  mapfile -t pids < <(node_pids "$1")
  if [ ${#pids[@]} -gt 0 ]; then
    kill -KILL "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 100); do [ -z "$(node_pids "$1")" ] && break; sleep 0.1; done
  fi
  rm -f "$(node_dir "$1")/pid"
}

cmd_kill_node() {
  require_tools
  local i
  i=$(index_of "$1")
  say "killing ${NODES[$i]} (SIGKILL)"
  kill_pid "$i"
  [ -z "$(node_pids "$i")" ] || die "${NODES[$i]} still runs after SIGKILL (pid $(node_pids "$i"))"
}

cmd_stop() {
  require_tools
  local i
  for i in 2 1 0; do
    if ctl "${NODES[$i]}" ping >/dev/null 2>&1; then
      say "stopping ${NODES[$i]}"
      ctl "${NODES[$i]}" stop "$(node_dir "$i")/pid" >/dev/null 2>&1 || true
    fi
    kill_pid "$i"
  done
  for i in 0 1 2; do
    ! port_open "${AMQP_PORTS[$i]}" || die "something still listens on ${AMQP_PORTS[$i]} after stopping ${NODES[$i]}"
  done
  if [ -d "$CLUSTER_DIR" ]; then
    rm -rf "$CLUSTER_DIR"
    say "stopped; removed $CLUSTER_DIR"
  fi
}

cmd_status() {
  require_tools
  local i state running=""
  for i in 0 1 2; do
    if port_open "${AMQP_PORTS[$i]}"; then state=running; else state=stopped; fi
    say "${NODES[$i]} 127.0.0.1:${AMQP_PORTS[$i]} $state"
  done
  port_open "${AMQP_PORTS[0]}" && running=$(running_nodes "${NODES[0]}" | tr '\n' ' ')
  if all_ports_open && [ "$running" = "${NODES[*]} " ]; then
    say "clustered: $running"
  else
    say "not running as one cluster of three${running:+ (${NODES[0]} sees $running)}"
    return 1
  fi
}

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) print_env ;;
  start-node) [ $# = 2 ] || usage; cmd_start_node "$2" ;;
  stop-node) [ $# = 2 ] || usage; cmd_stop_node "$2" ;;
  kill-node) [ $# = 2 ] || usage; cmd_kill_node "$2" ;;
  *) usage ;;
esac
