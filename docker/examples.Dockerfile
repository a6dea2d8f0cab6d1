# The example services (personnel, payroll, notification, accounting) in one image; the service is chosen
# with LOADER_MAIN. Build from the repository root:
#   docker build -f docker/examples.Dockerfile -t outbox-cdc/examples .
# The base images are build arguments only so that scripts/check-docker.sh can substitute local equivalents.
ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package -pl examples -am

FROM ${JRE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app app
WORKDIR /app
COPY --from=build /src/examples/target/outbox-examples.jar /app/outbox-examples.jar
USER 10001
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-Xmx192m -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=5s --timeout=3s --start-period=40s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health" || exit 1
ENTRYPOINT ["java", "-jar", "/app/outbox-examples.jar"]
