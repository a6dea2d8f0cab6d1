#!/usr/bin/env bash
# Finds the PostgreSQL (wal_level=logical) and the RabbitMQ that the tests, the demo, the benchmark and
# scripts/run-relay.sh use, sets them up on this machine unless told not to, and gives the caller the
# OUTBOX_TEST_* variables that describe them.
#
#   . scripts/services.sh   from bash (scripts/test.sh, demo.sh, bench.sh and run-relay.sh do so): exports the
#                           variables into the calling shell, or returns 1 with the reason on standard error.
#                           The work runs in a child bash in strict mode (set -euo pipefail), so sourcing
#                           leaves the caller's shell options as they were and never exits the caller's shell.
#   scripts/services.sh     prints the variables as export lines on standard output (messages on standard error).
#
# OUTBOX_TEST_SERVICES says what it may do:
#   provision (the default): uses what runs and sets up what is missing, saying "CHANGED:" for each change:
#     - PostgreSQL not running on 127.0.0.1:5432: starts the Debian cluster on that port (as root, installs
#       postgresql with apt-get when absent).
#     - wal_level not logical on that cluster: writes conf.d/zz-outbox-cdc.conf (wal_level = logical,
#       max_replication_slots = 32, max_wal_senders = 32) and restarts the cluster.
#     - no password-less TCP login as postgres (Debian's pg_hba.conf asks for a password): creates role
#       outbox_test (LOGIN SUPERUSER REPLICATION, for the tests only) with a password generated once and kept
#       in /etc/postgresql/<version>/<cluster>/outbox-test.password (root only). pg_hba.conf is not edited.
#     - TLS off on that cluster: creates a test CA and server certificate (outbox-tls/ next to the cluster's
#       configuration), turns ssl on in conf.d/zz-outbox-cdc-tls.conf and reloads.
#     - RabbitMQ not running on 127.0.0.1:5672: starts it (as root, installs rabbitmq-server when absent);
#       enables its bundled plugin rabbitmq_consistent_hash_exchange.
#     A PostgreSQL given by OUTBOX_TEST_PG_HOST and a RabbitMQ given by OUTBOX_TEST_RABBITMQ_URI are used as
#     they are (and checked, as below).
#   given: changes nothing on this machine (no install, start, configuration change, role or plugin). Uses
#     OUTBOX_TEST_PG_HOST, OUTBOX_TEST_PG_PORT (5432), OUTBOX_TEST_PG_USER (postgres), OUTBOX_TEST_PG_PASSWORD
#     (empty) and OUTBOX_TEST_RABBITMQ_URI, and checks them: the login works, the user is a superuser,
#     wal_level is logical, TLS verifies against OUTBOX_TEST_PG_CA when that is set, RabbitMQ answers AMQP.
#     It warns about the variables the fault and TLS tests need that are not set (see README, "Running the tests").
#
# On a host it cannot set up (no Debian PostgreSQL cluster, no rabbitmq-server, no apt-get or not root) it fails,
# saying what it looked for, what it found and which variables give it the services instead.

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: run this file as a child bash and export the variables it prints.
  if __outbox_services_env=$(bash "${BASH_SOURCE[0]}"); then
    eval "$__outbox_services_env"
    unset __outbox_services_env
    return 0
  fi
  unset __outbox_services_env
  return 1
fi

set -Eeuo pipefail
# No silent exit: a command that fails where no message was planned names itself.
on_error() { printf 'services: ERROR: "%s" failed (exit %s, scripts/services.sh line %s)\n' "$2" "$1" "$3" >&2; }
trap 'on_error $? "$BASH_COMMAND" "$LINENO"' ERR

readonly MODE="${OUTBOX_TEST_SERVICES:-provision}"
# What the caller gets, when set: the endpoints, then how the fault and TLS tests break and verify them.
readonly EXPORTED=(OUTBOX_TEST_PG_HOST OUTBOX_TEST_PG_PORT OUTBOX_TEST_PG_USER OUTBOX_TEST_PG_PASSWORD
  OUTBOX_TEST_RABBITMQ_URI OUTBOX_TEST_PG_RESTART OUTBOX_TEST_PG_STOP OUTBOX_TEST_PG_START OUTBOX_TEST_PG_CA
  OUTBOX_TEST_RABBITMQCTL)
# Whether the caller chose the PostgreSQL login: then no test role is created in its place.
readonly LOGIN_GIVEN="${OUTBOX_TEST_PG_USER:+yes}${OUTBOX_TEST_PG_PASSWORD:+yes}"
cluster="" # "version name" of the Debian cluster on 127.0.0.1:5432 that this script manages, if any

say() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
can_install() { is_root && command -v apt-get >/dev/null 2>&1; }
tool() { PATH="$PATH:/usr/sbin" command -v "$1" 2>/dev/null; } # tool NAME: its path (Debian puts RabbitMQ's in /usr/sbin)
# shellcheck disable=SC2016 # $0 and $1 are the child's arguments
port_open() { timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; } # port_open HOST PORT

wait_for() { # wait_for WHAT COMMAND...: up to 120 s
  local what=$1
  shift
  for _ in $(seq 1 240); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "timed out waiting for $what"
}

host_report() { # what this host has, for the message of a set-up that cannot go on
  local clusters
  clusters=$({ command -v pg_lsclusters >/dev/null 2>&1 \
    && pg_lsclusters -h 2>/dev/null | awk '{ printf "%s%s/%s on port %s (%s)", sep, $1, $2, $3, $4; sep = ", " }'; } || true)
  printf '  found on this host:\n'
  printf '    psql: %s; pg_lsclusters: %s; Debian PostgreSQL clusters: %s\n' \
    "$(tool psql || echo none)" "$(tool pg_lsclusters || echo none)" "${clusters:-none}"
  printf '    rabbitmq-server: %s\n' "$(tool rabbitmq-server || echo none)"
  printf '    127.0.0.1:5432 %s, 127.0.0.1:5672 %s\n' \
    "$(port_open 127.0.0.1 5432 && echo open || echo closed)" "$(port_open 127.0.0.1 5672 && echo open || echo closed)"
  printf '    apt-get: %s; running as root: %s\n' \
    "$(command -v apt-get || echo none)" "$(is_root && echo yes || echo no)"
}

cannot_set_up() { # cannot_set_up SERVICE REASON LOOKED-FOR: fails, saying what was looked for and found and what to do
  {
    printf 'services: ERROR: cannot set up %s on this host: %s.\n' "$1" "$2"
    printf '  looked for: %s\n' "$3"
    host_report
    printf '  what you can do:\n'
    printf '    - give the services to use as they are, and nothing here is set up or changed:\n'
    printf '        export OUTBOX_TEST_SERVICES=given OUTBOX_TEST_PG_HOST=... OUTBOX_TEST_PG_PORT=5432 \\\n'
    printf '          OUTBOX_TEST_PG_USER=... OUTBOX_TEST_PG_PASSWORD=... OUTBOX_TEST_RABBITMQ_URI=amqp://user:pass@host:5672/%%2F\n'
    printf '      (a PostgreSQL superuser on a server with wal_level=logical; README.md, "Running the tests", lists the rest)\n'
    printf '    - or, on Debian or Ubuntu, run this as root: it installs and sets up what is missing\n'
  } >&2
  exit 1
}

apt_install() { # apt_install PACKAGE SERVICE LOOKED-FOR
  can_install || cannot_set_up "$2" "$1 is not installed and this script cannot install it (that needs root and apt-get)" "$3"
  say "installing $1 with apt-get (it was missing)"
  if [ -z "${OUTBOX_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    OUTBOX_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2 || die "apt-get install $1 failed"
}

pg_sql() { # pg_sql SQL: runs as the test user over TCP
  PGPASSWORD="$OUTBOX_TEST_PG_PASSWORD" psql -h "$OUTBOX_TEST_PG_HOST" -p "$OUTBOX_TEST_PG_PORT" \
    -U "$OUTBOX_TEST_PG_USER" -d postgres -w -Atqc "$1"
}

pg_ssl_on() { [ "$(pg_sql 'show ssl')" = on ]; }

debian_cluster() { # prints "version name" of the Debian cluster on port 5432, or nothing
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 { print $1, $2; exit }' || true
}

pg_ctl_cluster() { # pg_ctl_cluster ACTION [OPTIONS]: pg_ctlcluster for the managed cluster
  pg_ctlcluster --skip-systemctl-redirect "${cluster% *}" "${cluster#* }" "$@"
}

cluster_conf() { echo "/etc/postgresql/${cluster% *}/${cluster#* }"; }

readonly PG_LOOKED_FOR="a PostgreSQL on 127.0.0.1:5432 or a Debian cluster on port 5432 to start (pg_lsclusters, \
pg_ctlcluster), psql, and apt-get (as root) to install postgresql"

provision_postgres() {
  export OUTBOX_TEST_PG_HOST=127.0.0.1 OUTBOX_TEST_PG_PORT=5432
  if ! command -v psql >/dev/null 2>&1; then
    can_install || cannot_set_up PostgreSQL \
      "psql (the PostgreSQL client) is not installed, and installing postgresql needs root and apt-get" "$PG_LOOKED_FOR"
    apt_install postgresql PostgreSQL "$PG_LOOKED_FOR"
  fi
  cluster=$(debian_cluster)
  if ! port_open 127.0.0.1 5432; then
    if [ -z "$cluster" ] && ! command -v pg_lsclusters >/dev/null 2>&1 && can_install; then
      apt_install postgresql PostgreSQL "$PG_LOOKED_FOR"
      cluster=$(debian_cluster)
    fi
    [ -n "$cluster" ] || cannot_set_up PostgreSQL \
      "nothing listens on 127.0.0.1:5432 and there is no Debian cluster on port 5432 to start" "$PG_LOOKED_FOR"
    say "starting PostgreSQL cluster $cluster (it was not running)"
    pg_ctl_cluster start >&2 || die "could not start PostgreSQL cluster $cluster"
  fi
  wait_for "PostgreSQL on 127.0.0.1:5432" port_open 127.0.0.1 5432
  if ! pg_sql 'select 1' >/dev/null 2>&1; then
    use_test_role
  fi
  local level
  level=$(pg_sql 'show wal_level')
  if [ "$level" != logical ]; then
    if ! is_root || [ -z "$cluster" ]; then
      die "PostgreSQL at 127.0.0.1:5432 runs with wal_level=$level; logical replication needs wal_level=logical (set it in postgresql.conf and restart), and this script can change it only as root on a Debian cluster"
    fi
    local conf_dir
    conf_dir="$(cluster_conf)/conf.d"
    mkdir -p "$conf_dir"
    printf '%s\n' "# Added by outbox-cdc scripts/services.sh: cdc-relay needs logical decoding." \
      "wal_level = logical" "max_replication_slots = 32" "max_wal_senders = 32" >"$conf_dir/zz-outbox-cdc.conf"
    say "CHANGED: PostgreSQL had wal_level=$level; wrote $conf_dir/zz-outbox-cdc.conf (wal_level=logical) and restarting cluster $cluster"
    pg_ctl_cluster restart >&2 || die "could not restart PostgreSQL cluster $cluster"
    wait_for "PostgreSQL on 127.0.0.1:5432" port_open 127.0.0.1 5432
    wait_for "PostgreSQL to accept logins" pg_sql 'select 1'
  fi
  # The fault tests restart PostgreSQL while events flow: tell them how, for the cluster managed here.
  if [ -z "${OUTBOX_TEST_PG_RESTART:-}" ] && is_root && [ -n "$cluster" ]; then
    export OUTBOX_TEST_PG_RESTART="pg_ctlcluster --skip-systemctl-redirect $cluster restart"
    export OUTBOX_TEST_PG_STOP="pg_ctlcluster --skip-systemctl-redirect $cluster stop -m fast"
    export OUTBOX_TEST_PG_START="pg_ctlcluster --skip-systemctl-redirect $cluster start"
  fi
}

use_test_role() {
  # Password-less TCP login is refused (Debian's pg_hba.conf asks for a password on 127.0.0.1): log in as role
  # outbox_test instead, with a password generated once for this cluster. Never with a password in this file.
  local out
  out=$(pg_sql 'select 1' 2>&1) || true
  [ -z "$LOGIN_GIVEN" ] || die "cannot log in to PostgreSQL at 127.0.0.1:5432 as $OUTBOX_TEST_PG_USER (OUTBOX_TEST_PG_USER, OUTBOX_TEST_PG_PASSWORD): $out"
  if ! is_root || [ -z "$cluster" ]; then
    die "cannot log in to PostgreSQL at 127.0.0.1:5432 as postgres without a password ($out), and this script can create a test role only as root on a Debian cluster: give a superuser's login through OUTBOX_TEST_PG_USER and OUTBOX_TEST_PG_PASSWORD"
  fi
  local file
  file="$(cluster_conf)/outbox-test.password"
  if [ ! -s "$file" ]; then
    rm -f "$file"
    # noclobber: two runs at once both end up with the password the first one wrote.
    (umask 077 && set -o noclobber && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$file") 2>/dev/null || true
  fi
  export OUTBOX_TEST_PG_USER=outbox_test
  OUTBOX_TEST_PG_PASSWORD=$(cat "$file")
  export OUTBOX_TEST_PG_PASSWORD
  [ -n "$OUTBOX_TEST_PG_PASSWORD" ] || die "could not write a generated password to $file"
  pg_sql 'select 1' >/dev/null 2>&1 && return 0
  say "CHANGED: role outbox_test (LOGIN SUPERUSER REPLICATION, for the tests only) with a generated password, kept in $file (root only): TCP login as postgres needs a password here"
  if ! runuser -u postgres -- psql -p 5432 -d postgres -X -q -v ON_ERROR_STOP=1 -v password="$OUTBOX_TEST_PG_PASSWORD" >&2 <<'SQL'
SELECT 'CREATE ROLE outbox_test' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outbox_test') \gexec
ALTER ROLE outbox_test WITH LOGIN SUPERUSER REPLICATION PASSWORD :'password';
SQL
  then
    die "could not create role outbox_test"
  fi
  out=$(pg_sql 'select 1' 2>&1) || die "cannot log in to PostgreSQL as outbox_test over TCP ($out): check pg_hba.conf"
}

provision_postgres_tls() {
  # TLS tests connect with sslmode=verify-full: they need ssl=on and the CA that signed the server's certificate.
  [ -z "${OUTBOX_TEST_PG_CA:-}" ] || return 0
  if ! is_root || [ -z "$cluster" ] || [ "$OUTBOX_TEST_PG_HOST" != 127.0.0.1 ]; then
    return 0
  fi
  local conf dir
  conf=$(cluster_conf)
  dir="$conf/outbox-tls"
  if [ ! -f "$dir/server.crt" ]; then
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outbox-cdc test CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1 || die "openssl could not create a test CA"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 \
      || die "openssl could not create the test server key"
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 3650 \
      -extfile "$dir/san.ext" -out "$dir/server.crt" >/dev/null 2>&1 || die "openssl could not sign the test server certificate"
    chown postgres:postgres "$dir/server.key" "$dir/server.crt"
    chmod 600 "$dir/server.key"
  fi
  if ! pg_ssl_on; then
    printf '%s\n' "# Added by outbox-cdc scripts/services.sh: TLS for the TLS tests (certificate signed by $dir/ca.crt)." \
      "ssl = on" "ssl_cert_file = '$dir/server.crt'" "ssl_key_file = '$dir/server.key'" >"$conf/conf.d/zz-outbox-cdc-tls.conf"
    say "CHANGED: enabled TLS on PostgreSQL cluster $cluster with a test certificate ($conf/conf.d/zz-outbox-cdc-tls.conf); reloading"
    pg_ctl_cluster reload >&2 || die "could not reload PostgreSQL cluster $cluster"
    wait_for "PostgreSQL to enable TLS" pg_ssl_on
  fi
  export OUTBOX_TEST_PG_CA="$dir/ca.crt"
}

check_postgres() { # what the tests need of the PostgreSQL they are given, whoever set it up
  local where="$OUTBOX_TEST_PG_HOST:$OUTBOX_TEST_PG_PORT" out
  out=$(pg_sql 'select 1' 2>&1) \
    || die "cannot log in to PostgreSQL at $where as $OUTBOX_TEST_PG_USER (OUTBOX_TEST_PG_USER, OUTBOX_TEST_PG_PASSWORD): $out"
  out=$(pg_sql 'show wal_level')
  [ "$out" = logical ] \
    || die "PostgreSQL at $where runs with wal_level=$out; the relay and its tests need wal_level=logical (set it in postgresql.conf and restart)"
  out=$(pg_sql 'select rolsuper from pg_roles where rolname = current_user')
  [ "$out" = t ] \
    || die "$OUTBOX_TEST_PG_USER is not a superuser on PostgreSQL at $where; the tests create databases, roles, publications and replication slots: give a superuser through OUTBOX_TEST_PG_USER and OUTBOX_TEST_PG_PASSWORD"
  if [ -n "${OUTBOX_TEST_PG_CA:-}" ]; then
    [ -r "$OUTBOX_TEST_PG_CA" ] || die "OUTBOX_TEST_PG_CA=$OUTBOX_TEST_PG_CA is not a readable file"
    out=$(PGSSLMODE=verify-full PGSSLROOTCERT="$OUTBOX_TEST_PG_CA" pg_sql 'select 1' 2>&1) \
      || die "TLS to PostgreSQL at $where does not verify against OUTBOX_TEST_PG_CA=$OUTBOX_TEST_PG_CA (the TLS tests use sslmode=verify-full): $out"
  fi
  say "PostgreSQL ready: $where user $OUTBOX_TEST_PG_USER (superuser), wal_level=logical${OUTBOX_TEST_PG_CA:+, TLS verified with $OUTBOX_TEST_PG_CA}"
}

readonly RABBITMQ_LOOKED_FOR="a RabbitMQ on 127.0.0.1:5672, rabbitmq-server to start one (PATH, /usr/sbin), and \
apt-get (as root) to install rabbitmq-server"

provision_rabbitmq() {
  export OUTBOX_TEST_RABBITMQ_URI="amqp://guest:guest@127.0.0.1:5672/%2F"
  if ! port_open 127.0.0.1 5672; then
    if ! tool rabbitmq-server >/dev/null; then
      can_install || cannot_set_up RabbitMQ \
        "nothing listens on 127.0.0.1:5672 and rabbitmq-server is not installed; installing it needs root and apt-get" \
        "$RABBITMQ_LOOKED_FOR"
      apt_install rabbitmq-server RabbitMQ "$RABBITMQ_LOOKED_FOR"
    fi
    say "starting RabbitMQ (it was not running)"
    "$(tool rabbitmq-server)" -detached >&2 || die "could not start rabbitmq-server"
    wait_for "RabbitMQ on 127.0.0.1:5672" port_open 127.0.0.1 5672
    PATH="$PATH:/usr/sbin" timeout 120 rabbitmqctl await_startup >/dev/null 2>&1 || true
  fi
  # Partitioned subscriptions spread events with the consistent-hash exchange plugin (shipped with RabbitMQ).
  local plugins
  if plugins=$(tool rabbitmq-plugins); then
    if ! "$plugins" list -e -m 2>/dev/null | grep -qx rabbitmq_consistent_hash_exchange; then
      if is_root; then
        say "CHANGED: enabling RabbitMQ plugin rabbitmq_consistent_hash_exchange (partitioned subscriptions use it)"
        PATH="$PATH:/usr/sbin" "$plugins" enable rabbitmq_consistent_hash_exchange >&2 \
          || die "could not enable rabbitmq_consistent_hash_exchange"
      else
        say "WARNING: rabbitmq-plugins does not list rabbitmq_consistent_hash_exchange as enabled (not being root, it may not be able to ask the broker): the partition tests fail without it (rabbitmq-plugins enable rabbitmq_consistent_hash_exchange)"
      fi
    fi
  fi
  # The fault tests break every broker connection while events flow.
  local ctl
  if [ -z "${OUTBOX_TEST_RABBITMQCTL:-}" ] && ctl=$(tool rabbitmqctl); then
    export OUTBOX_TEST_RABBITMQCTL="$ctl"
  fi
}

amqp_answers() { # amqp_answers HOST PORT: the server answers AMQP 0-9-1's protocol header with a method frame
  local first
  # shellcheck disable=SC2016 # $0 and $1 are the child's arguments
  first=$(timeout 10 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "AMQP\x00\x00\x09\x01" >&3 && head -c 1 <&3 | od -An -tx1' \
    "$1" "$2" 2>/dev/null) || return 1
  [ "${first// /}" = 01 ]
}

check_rabbitmq() { # RabbitMQ answers where OUTBOX_TEST_RABBITMQ_URI points (credentials are checked by the tests)
  local uri=$OUTBOX_TEST_RABBITMQ_URI scheme authority host port
  scheme=${uri%%://*}
  authority=${uri#*://}
  authority=${authority%%/*}
  authority=${authority%%\?*}
  authority=${authority##*@}
  case "$scheme" in
    amqp) port=5672 ;;
    amqps) port=5671 ;;
    *) die "OUTBOX_TEST_RABBITMQ_URI must be amqp://user:pass@host:port/vhost or amqps://…, not '$scheme://…'" ;;
  esac
  host=${authority%%:*}
  [ "$authority" = "$host" ] || port=${authority#*:}
  host=${host:-localhost}
  if [ "$scheme" = amqp ]; then
    amqp_answers "$host" "$port" \
      || die "RabbitMQ at $host:$port (OUTBOX_TEST_RABBITMQ_URI) does not answer: nothing listens there, or it does not speak AMQP 0-9-1"
    say "RabbitMQ ready: $host:$port answers AMQP 0-9-1"
  else
    port_open "$host" "$port" || die "nothing listens on $host:$port (OUTBOX_TEST_RABBITMQ_URI)"
    say "RabbitMQ ready: $host:$port accepts connections (amqps: the TLS handshake is left to the tests)"
  fi
  if [ -n "${OUTBOX_TEST_RABBITMQCTL:-}" ] && ! command -v "$OUTBOX_TEST_RABBITMQCTL" >/dev/null 2>&1; then
    die "OUTBOX_TEST_RABBITMQCTL=$OUTBOX_TEST_RABBITMQCTL is not a command this machine can run"
  fi
}

warn_missing_fault_variables() { # given services: what the tests that break or verify them were not told
  local name missing=()
  for name in OUTBOX_TEST_PG_RESTART OUTBOX_TEST_PG_STOP OUTBOX_TEST_PG_START OUTBOX_TEST_RABBITMQCTL OUTBOX_TEST_PG_CA; do
    [ -n "${!name:-}" ] || missing+=("$name")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "WARNING: not set: ${missing[*]}. The tests that restart or stop PostgreSQL, run rabbitmqctl or verify TLS (RelayFaultsIT, ConsumerOutageIT, ForwardingIT, TlsIT) will fail without them; README.md, \"Running the tests\", says what each one is"
  fi
}

print_exports() {
  local name
  for name in "${EXPORTED[@]}"; do
    if [ -n "${!name+set}" ]; then
      printf 'export %s=%q\n' "$name" "${!name}"
    fi
  done
}

main() {
  case "$MODE" in
    provision | given) ;;
    *) die "OUTBOX_TEST_SERVICES=$MODE: expected provision (the default: set up what is missing) or given (use the services the OUTBOX_TEST_* variables give, change nothing)" ;;
  esac
  if [ "$MODE" = given ]; then
    local missing=()
    [ -n "${OUTBOX_TEST_PG_HOST:-}" ] || missing+=(OUTBOX_TEST_PG_HOST)
    [ -n "${OUTBOX_TEST_RABBITMQ_URI:-}" ] || missing+=(OUTBOX_TEST_RABBITMQ_URI)
    if [ ${#missing[@]} -gt 0 ]; then
      die "OUTBOX_TEST_SERVICES=given uses the services the environment gives and sets up none, but ${missing[*]} is not set: set OUTBOX_TEST_PG_HOST (and OUTBOX_TEST_PG_PORT, OUTBOX_TEST_PG_USER, OUTBOX_TEST_PG_PASSWORD) and OUTBOX_TEST_RABBITMQ_URI, or unset OUTBOX_TEST_SERVICES to let this script set up local services"
    fi
    say "OUTBOX_TEST_SERVICES=given: using the services given, changing nothing on this machine"
  fi

  if [ -n "${OUTBOX_TEST_PG_HOST:-}" ]; then
    export OUTBOX_TEST_PG_PORT="${OUTBOX_TEST_PG_PORT:-5432}"
    export OUTBOX_TEST_PG_USER="${OUTBOX_TEST_PG_USER:-postgres}"
    export OUTBOX_TEST_PG_PASSWORD="${OUTBOX_TEST_PG_PASSWORD:-}"
    say "using PostgreSQL given by OUTBOX_TEST_PG_HOST=$OUTBOX_TEST_PG_HOST:$OUTBOX_TEST_PG_PORT"
    command -v psql >/dev/null 2>&1 \
      || die "psql (the PostgreSQL client) is needed to check the given PostgreSQL and is not installed (Debian: apt-get install postgresql-client)"
  else
    export OUTBOX_TEST_PG_USER="${OUTBOX_TEST_PG_USER:-postgres}" OUTBOX_TEST_PG_PASSWORD="${OUTBOX_TEST_PG_PASSWORD:-}"
    provision_postgres
    provision_postgres_tls
  fi
  check_postgres

  if [ -n "${OUTBOX_TEST_RABBITMQ_URI:-}" ]; then
    say "using RabbitMQ given by OUTBOX_TEST_RABBITMQ_URI"
  else
    provision_rabbitmq
  fi
  check_rabbitmq

  if [ "$MODE" = given ]; then
    warn_missing_fault_variables
  fi
  print_exports
}

main
