# The example services (personnel, payroll, notification, accounting) in one image; the service is chosen
# with LOADER_MAIN. Build from the repository root:
#   docker build -f docker/examples.Dockerfile -t outbox-cdc/examples .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package -pl examples -am

FROM eclipse-temurin:17-jre
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
