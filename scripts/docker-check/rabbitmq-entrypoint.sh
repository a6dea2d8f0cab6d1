#!/bin/bash
# Runs the command as user rabbitmq, as the official image does (stand-in, see rabbitmq.Dockerfile).
set -euo pipefail
if [ "$(id -u)" = 0 ]; then
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$@"
fi
exec "$@"
