# cdc-relay image. Build from the repository root:
#   docker build -f docker/cdc-relay.Dockerfile -t outbox-cdc/cdc-relay .
# The base images are build arguments only so that scripts/check-docker.sh can substitute local equivalents.
ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package -pl cdc-relay -am

# With a class-data sharing archive recorded by the runtime image's JVM: ready ~2 s sooner
# (docs/benchmark-notes.md). Recorded in a stage of its own so the image holds the jar once (a jar copied to
# /tmp and deleted in a later layer stays in the image); COPY keeps the jar's time, which the archive checks.
FROM ${JRE_IMAGE} AS cds
COPY --from=build /src/cdc-relay/target/cdc-relay.jar /tmp/cds/
COPY scripts/relay-cds.sh scripts/relay-jvm-options /tmp/cds/
RUN bash /tmp/cds/relay-cds.sh /tmp/cds/cdc-relay.jar /app/relay && rm /app/relay/cds-training.log

FROM ${JRE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app relay
WORKDIR /app
COPY --from=cds /app/relay /app/relay
USER 10001
EXPOSE 8080
# The shipped JVM settings, exactly scripts/relay-jvm-options (ShippedJvmOptionsTest checks it); measured on a
# 2-core host (docs/benchmark-notes.md) and sized for outbox.max-envelope-size (docs/operations.md).
# Written out because ENV cannot read a file, and JAVA_TOOL_OPTIONS (rather than options on the command line)
# lets `docker run -e JAVA_TOOL_OPTIONS=…` replace them.
ENV JAVA_TOOL_OPTIONS="-Xms32m -Xmx128m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -Xss512k -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health/readiness" || exit 1
# exec form: the JVM is PID 1 and receives SIGTERM, drains in-flight confirms and exits 0.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/relay/cdc-relay.jsa", "-jar", "/app/relay/cdc-relay.jar"]
