# Local stand-in for maven:3.9-eclipse-temurin-17 (scripts/check-docker.sh): Debian's Maven and OpenJDK 17 JDK.
# MAVEN_MIRROR (e.g. the check's read-only HTTP view of the host's ~/.m2/repository) replaces Maven Central,
# so the images build without downloading again what the host already has.
ARG BASE_IMAGE=outbox-check/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/*
ARG MAVEN_MIRROR=
RUN mkdir -p /root/.m2 && if [ -n "$MAVEN_MIRROR" ]; then printf '%s\n' \
    '<settings><mirrors><mirror><id>check-docker</id><mirrorOf>*</mirrorOf>' \
    "<url>$MAVEN_MIRROR</url></mirror></mirrors></settings>" > /root/.m2/settings.xml; fi
