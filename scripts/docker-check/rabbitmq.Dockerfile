# Local stand-in for rabbitmq:3.13-management (scripts/check-docker.sh): Debian's RabbitMQ (3.10) laid out as
# the official image is (configuration in /etc/rabbitmq/conf.d, plugins from /etc/rabbitmq/enabled_plugins,
# HOME=/var/lib/rabbitmq so the CLI tools share the server's Erlang cookie, logs on the console, the server as
# user rabbitmq).
ARG BASE_IMAGE=outbox-check/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends rabbitmq-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /etc/rabbitmq/conf.d \
 && printf '%s\n' 'loopback_users.guest = false' 'log.console = true' 'log.file = false' > /etc/rabbitmq/conf.d/10-defaults.conf \
 && chown -R rabbitmq:rabbitmq /etc/rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
ENV HOME=/var/lib/rabbitmq PATH=/usr/lib/rabbitmq/bin:$PATH RABBITMQ_CONFIG_FILES=/etc/rabbitmq/conf.d
COPY rabbitmq-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["rabbitmq-server"]
