# shellcheck shell=bash disable=SC2154 # cache, run_dir and debian_mirror are the caller's
# The private Docker engine and the Debian base image that check-docker.sh and check-testcontainers.sh share.
# Sourced; the caller defines log, die and skip, and sets cache (the engine's data and the rootfs), run_dir (its
# sockets and exec root, a short path) and debian_mirror. start_dockerd sets dockerd_pid and exports DOCKER_HOST.

engine_reachable() { docker version >/dev/null 2>&1; }

# start_dockerd DRIVERS: the first storage driver of DRIVERS that starts (overlay2 is much faster, vfs works anywhere).
start_dockerd() {
  export DOCKER_HOST="unix://$run_dir/docker.sock"
  local driver
  for driver in $1; do
    log "starting dockerd with storage driver $driver (data in $cache/engine-$driver)"
    dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver="$driver" \
      --data-root "$cache/engine-$driver" --exec-root "$run_dir/exec" --pidfile "$run_dir/dockerd.pid" \
      -H "$DOCKER_HOST" >"$cache/dockerd.log" 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 1 120); do
      engine_reachable && break
      kill -0 "$dockerd_pid" 2>/dev/null || break
      sleep 0.5
    done
    engine_reachable && break
    kill "$dockerd_pid" 2>/dev/null; wait "$dockerd_pid" 2>/dev/null || true
    dockerd_pid=""
    log "dockerd with $driver did not start: $(tail -1 "$cache/dockerd.log")"
  done
  [ -n "$dockerd_pid" ] || skip "dockerd does not start here (last log: $cache/dockerd.log)"
  log "dockerd $(docker version -f '{{.Server.Version}}') is up"
}

# stop_dockerd: stops the dockerd start_dockerd started (its containers first) and unmounts what it left in run_dir.
stop_dockerd() {
  if [ -n "${dockerd_pid:-}" ]; then
    docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1
    log "stopping the dockerd it started (pid $dockerd_pid)"
    kill -TERM "$dockerd_pid" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
      log "dockerd did not stop in 30 s: killing it"
      kill -KILL "$dockerd_pid" 2>/dev/null
    fi
    wait "$dockerd_pid" 2>/dev/null
    # Its containerd (and shims) die with it; make sure.
    [ -f "$run_dir/exec/containerd/containerd.pid" ] && kill "$(cat "$run_dir/exec/containerd/containerd.pid")" 2>/dev/null
    dockerd_pid=""
  fi
  # dockerd leaves its default network namespace mounted under its exec root.
  awk -v dir="$run_dir/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount -l
}

# import_debian_base IMAGE: a minimal Debian bookworm as IMAGE, debootstrapped once and cached as a tar in cache.
import_debian_base() {
  local base="$1" rootfs_tar="$cache/debian-bookworm.tar"
  docker image inspect "$base" >/dev/null 2>&1 && return 0
  if [ ! -f "$rootfs_tar" ]; then
    log "debootstrapping a minimal Debian bookworm from $debian_mirror (once: cached as $rootfs_tar)"
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase bookworm "$cache/rootfs" "$debian_mirror" >"$cache/debootstrap.log" 2>&1 \
      || { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
    rm -rf "$cache/rootfs/var/lib/apt/lists/"* "$cache/rootfs/var/cache/apt/archives/"*.deb
    tar -C "$cache/rootfs" -cf "$rootfs_tar.tmp" . && mv "$rootfs_tar.tmp" "$rootfs_tar"
    rm -rf "$cache/rootfs"
  fi
  log "importing $rootfs_tar as $base"
  docker import "$rootfs_tar" "$base" >/dev/null
}
