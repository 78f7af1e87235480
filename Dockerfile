# One runtime image per OpenCDP service. Build the jars first, then pick the service:
#
#   ./mvnw -B package -DskipTests
#   docker build --build-arg SERVICE=identity-service --build-arg PORT=8082 -t opencdp/identity-service .
#
# docker-compose.yml and k8s/ use this file for all six services. Health is probed from outside
# (compose healthcheck, Kubernetes liveness/readiness), so the image declares no HEALTHCHECK.
FROM eclipse-temurin:21-jre

# the module to package, e.g. identity-service; its runnable jar has the classifier "exec"
ARG SERVICE
ARG VERSION=0.1.0-SNAPSHOT
# the service's default server.port (its <service>.yml); documentation only, the service reads its own
ARG PORT=8080

LABEL org.opencontainers.image.title="opencdp-${SERVICE}"

RUN groupadd --system --gid 10001 cdp \
 && useradd --system --uid 10001 --gid cdp --no-create-home --home-dir /app --shell /usr/sbin/nologin cdp

WORKDIR /app
COPY --chown=10001:10001 ${SERVICE}/target/${SERVICE}-${VERSION}-exec.jar /app/app.jar

# numeric, so Kubernetes can check runAsNonRoot
USER 10001:10001
EXPOSE ${PORT}

# heap follows the container's memory limit; an OutOfMemoryError restarts the container instead of limping on
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/app.jar"]
