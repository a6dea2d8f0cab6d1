# Local stand-in for eclipse-temurin:17-jre (scripts/check-docker.sh): Debian's OpenJDK 17 runtime on the
# debootstrapped base, with the JDK's default class-data sharing archive (the relay image's CDS training needs it).
ARG BASE_IMAGE=outbox-check/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && { [ -f "$(dirname "$(readlink -f "$(command -v java)")")/../lib/server/classes.jsa" ] || java -Xshare:dump >/dev/null; }
