#!/usr/bin/env bash
# Makes sure a PostgreSQL with wal_level=logical and a RabbitMQ are reachable on this machine, and
# prints the environment variables the tests and the relay read to find them.
#
# Source it (". scripts/services.sh") to get the variables exported; scripts/test.sh and
# scripts/demo.sh do. It changes only what is missing and says what it changed:
#   - PostgreSQL not running: starts the Debian cluster (installs postgresql when absent and root).
#   - wal_level not logical on a Debian cluster: adds conf.d/zz-outbox-cdc.conf and restarts it.
#   - no password-less TCP login as postgres: creates role outbox_test (superuser, for tests only).
#   - TLS off on that cluster: creates a test CA and server certificate and turns ssl on (reload).
#   - RabbitMQ not running: starts it (installs rabbitmq-server when absent and root).
# Endpoints already given in OUTBOX_TEST_PG_HOST / OUTBOX_TEST_RABBITMQ_URI are used as they are.

say() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

apt_install() {
  is_root || die "$1 is not installed and this script is not root: install $1 (Debian: apt-get install $1) and run it again"
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

debian_cluster() { # prints "version name" of the cluster on port 5432, if Debian manages one
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 { print $1, $2; exit }'
}

ensure_postgres() {
  if [ -n "${OUTBOX_TEST_PG_HOST:-}" ]; then
    export OUTBOX_TEST_PG_PORT="${OUTBOX_TEST_PG_PORT:-5432}"
    export OUTBOX_TEST_PG_USER="${OUTBOX_TEST_PG_USER:-postgres}"
    export OUTBOX_TEST_PG_PASSWORD="${OUTBOX_TEST_PG_PASSWORD:-}"
    say "using PostgreSQL given by OUTBOX_TEST_PG_HOST=$OUTBOX_TEST_PG_HOST:$OUTBOX_TEST_PG_PORT"
  else
    export OUTBOX_TEST_PG_HOST=127.0.0.1 OUTBOX_TEST_PG_PORT=5432
    export OUTBOX_TEST_PG_USER="${OUTBOX_TEST_PG_USER:-postgres}" OUTBOX_TEST_PG_PASSWORD="${OUTBOX_TEST_PG_PASSWORD:-}"
    command -v psql >/dev/null 2>&1 || apt_install postgresql
    cluster=$(debian_cluster)
    if ! port_open 5432; then
      [ -n "$cluster" ] || { command -v pg_lsclusters >/dev/null 2>&1 || apt_install postgresql; cluster=$(debian_cluster); }
      [ -n "$cluster" ] || die "no PostgreSQL on 127.0.0.1:5432 and no Debian cluster to start: start one with wal_level=logical, or set OUTBOX_TEST_PG_HOST/PORT/USER/PASSWORD"
      say "starting PostgreSQL cluster $cluster (it was not running)"
      pg_ctlcluster --skip-systemctl-redirect $cluster start >&2 || die "could not start PostgreSQL cluster $cluster"
    fi
    wait_for "PostgreSQL on 127.0.0.1:5432" port_open 5432
    if ! pg_sql 'select 1' >/dev/null 2>&1; then
      is_root && [ -n "$cluster" ] || die "cannot log in to PostgreSQL as $OUTBOX_TEST_PG_USER without a password: set OUTBOX_TEST_PG_USER and OUTBOX_TEST_PG_PASSWORD"
      say "creating role outbox_test (LOGIN SUPERUSER, password outbox_test) for the tests: TCP login as postgres needs a password here"
      runuser -u postgres -- psql -p 5432 -Atqc "DO \$\$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outbox_test') THEN
            CREATE ROLE outbox_test LOGIN SUPERUSER REPLICATION PASSWORD 'outbox_test';
          END IF; END \$\$;" >&2 || die "could not create role outbox_test"
      export OUTBOX_TEST_PG_USER=outbox_test OUTBOX_TEST_PG_PASSWORD=outbox_test
      pg_sql 'select 1' >/dev/null || die "cannot log in to PostgreSQL as outbox_test over TCP: check pg_hba.conf"
    fi
    local level
    level=$(pg_sql 'show wal_level')
    if [ "$level" != logical ]; then
      is_root && [ -n "$cluster" ] || die "PostgreSQL runs with wal_level=$level; logical replication needs wal_level=logical (set it in postgresql.conf and restart)"
      local conf_dir
      conf_dir="/etc/postgresql/${cluster% *}/${cluster#* }/conf.d"
      mkdir -p "$conf_dir"
      printf '%s\n' "# Added by outbox-cdc scripts/services.sh: cdc-relay needs logical decoding." \
        "wal_level = logical" "max_replication_slots = 32" "max_wal_senders = 32" > "$conf_dir/zz-outbox-cdc.conf"
      say "CHANGED: PostgreSQL had wal_level=$level; wrote $conf_dir/zz-outbox-cdc.conf (wal_level=logical) and restarting cluster $cluster"
      pg_ctlcluster --skip-systemctl-redirect $cluster restart >&2 || die "could not restart PostgreSQL cluster $cluster"
      wait_for "PostgreSQL on 127.0.0.1:5432" port_open 5432
      wait_for "PostgreSQL to accept logins" pg_sql 'select 1'
      level=$(pg_sql 'show wal_level')
      [ "$level" = logical ] || die "wal_level is still $level after the restart"
    fi
  fi
  [ "$(pg_sql 'show wal_level')" = logical ] || die "PostgreSQL at $OUTBOX_TEST_PG_HOST:$OUTBOX_TEST_PG_PORT does not run with wal_level=logical"
  # The fault tests restart PostgreSQL while events flow: tell them how, for the cluster managed here.
  if [ -z "${OUTBOX_TEST_PG_RESTART:-}" ] && [ "$OUTBOX_TEST_PG_HOST" = 127.0.0.1 ] && is_root && [ -n "${cluster:-}" ]; then
    export OUTBOX_TEST_PG_RESTART="pg_ctlcluster --skip-systemctl-redirect $cluster restart"
    export OUTBOX_TEST_PG_STOP="pg_ctlcluster --skip-systemctl-redirect $cluster stop -m fast"
    export OUTBOX_TEST_PG_START="pg_ctlcluster --skip-systemctl-redirect $cluster start"
  fi
  say "PostgreSQL ready: $OUTBOX_TEST_PG_HOST:$OUTBOX_TEST_PG_PORT user $OUTBOX_TEST_PG_USER, wal_level=logical"
}

ensure_postgres_tls() {
  # TLS tests connect with sslmode=verify-full: they need ssl=on and the CA that signed the server's certificate.
  [ -n "${OUTBOX_TEST_PG_CA:-}" ] && return 0
  [ "$OUTBOX_TEST_PG_HOST" = 127.0.0.1 ] && is_root && [ -n "${cluster:-}" ] || return 0
  local conf dir
  conf="/etc/postgresql/${cluster% *}/${cluster#* }"
  dir="$conf/outbox-tls"
  if [ ! -f "$dir/server.crt" ]; then
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outbox-cdc test CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1 || die "openssl could not create a test CA"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 3650 \
      -extfile "$dir/san.ext" -out "$dir/server.crt" >/dev/null 2>&1 || die "openssl could not sign the test server certificate"
    chown postgres:postgres "$dir/server.key" "$dir/server.crt"
    chmod 600 "$dir/server.key"
  fi
  if [ "$(pg_sql 'show ssl')" != on ]; then
    printf '%s\n' "# Added by outbox-cdc scripts/services.sh: TLS for the TLS tests (certificate signed by $dir/ca.crt)." \
      "ssl = on" "ssl_cert_file = '$dir/server.crt'" "ssl_key_file = '$dir/server.key'" > "$conf/conf.d/zz-outbox-cdc-tls.conf"
    say "CHANGED: enabled TLS on PostgreSQL cluster $cluster with a test certificate ($conf/conf.d/zz-outbox-cdc-tls.conf); reloading"
    pg_ctlcluster --skip-systemctl-redirect $cluster reload >&2 || die "could not reload PostgreSQL cluster $cluster"
    wait_for "PostgreSQL to enable TLS" sh -c "[ \"\$(PGPASSWORD='$OUTBOX_TEST_PG_PASSWORD' psql -h 127.0.0.1 -U '$OUTBOX_TEST_PG_USER' -d postgres -w -Atqc 'show ssl')\" = on ]"
  fi
  export OUTBOX_TEST_PG_CA="$dir/ca.crt"
}

ensure_rabbitmq() {
  if [ -n "${OUTBOX_TEST_RABBITMQ_URI:-}" ]; then
    say "using RabbitMQ given by OUTBOX_TEST_RABBITMQ_URI"
    return
  fi
  export OUTBOX_TEST_RABBITMQ_URI="amqp://guest:guest@127.0.0.1:5672/%2F"
  if ! port_open 5672; then
    command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || apt_install rabbitmq-server
    say "starting RabbitMQ (it was not running)"
    PATH="$PATH:/usr/sbin" rabbitmq-server -detached >&2 || die "could not start rabbitmq-server"
    wait_for "RabbitMQ on 127.0.0.1:5672" port_open 5672
    PATH="$PATH:/usr/sbin" timeout 120 rabbitmqctl await_startup >/dev/null 2>&1 || true
  fi
  # Partitioned subscriptions spread events with the consistent-hash exchange plugin (shipped with RabbitMQ).
  if command -v rabbitmq-plugins >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-plugins ]; then
    if ! PATH="$PATH:/usr/sbin" rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_consistent_hash_exchange; then
      if is_root; then
        say "CHANGED: enabling RabbitMQ plugin rabbitmq_consistent_hash_exchange (partitioned subscriptions use it)"
        PATH="$PATH:/usr/sbin" rabbitmq-plugins enable rabbitmq_consistent_hash_exchange >&2 \
          || die "could not enable rabbitmq_consistent_hash_exchange"
      else
        say "WARNING: plugin rabbitmq_consistent_hash_exchange is not enabled and this script is not root: the partition tests will fail (rabbitmq-plugins enable rabbitmq_consistent_hash_exchange)"
      fi
    fi
  fi
  # The fault tests break every broker connection while events flow.
  if [ -z "${OUTBOX_TEST_RABBITMQCTL:-}" ]; then
    if command -v rabbitmqctl >/dev/null 2>&1; then export OUTBOX_TEST_RABBITMQCTL="$(command -v rabbitmqctl)";
    elif [ -x /usr/sbin/rabbitmqctl ]; then export OUTBOX_TEST_RABBITMQCTL=/usr/sbin/rabbitmqctl; fi
  fi
  say "RabbitMQ ready: 127.0.0.1:5672"
}

wait_for() { # wait_for WHAT COMMAND...: up to 120 s
  local what=$1; shift
  for _ in $(seq 1 240); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "timed out waiting for $what"
}

ensure_postgres
ensure_postgres_tls
ensure_rabbitmq
