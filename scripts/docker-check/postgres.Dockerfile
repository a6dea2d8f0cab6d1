# Local stand-in for postgres:15 (scripts/check-docker.sh): Debian's PostgreSQL 15 behind an entrypoint that
# does what the official image's does for docker/compose.yml (POSTGRES_USER/PASSWORD/DB, the SQL files in
# /docker-entrypoint-initdb.d on first start, data in /var/lib/postgresql/data, the server as user postgres).
ARG BASE_IMAGE=outbox-check/debian:bookworm
FROM ${BASE_IMAGE}
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /docker-entrypoint-initdb.d /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
# Host networking shares the host's interfaces: listen on loopback only (the official image listens on '*').
RUN sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = 'localhost'!" /usr/share/postgresql/15/postgresql.conf.sample
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
CMD ["postgres"]
