# wakeq: the operator; the same image runs the workers (their Deployment passes the argument "worker").
#   docker build -t wakeq:$(python3 scripts/image/project-version.py) .
# scripts/images.sh builds the same image without a container engine, with a jlinked Java 17 on Debian's
# libraries instead of Temurin's JRE on Ubuntu: same entrypoint, user, working directory, environment and
# /deployments layout (scripts/image/check-image.sh compares them with this file).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY src src
# exec.skip: the loadable function's C build and the CRD drift check belong to the tests, not to the image.
RUN ./mvnw -B -q package -DskipTests -Dexec.skip

FROM eclipse-temurin:17-jre
RUN groupadd --gid 1001 wakeq \
 && useradd --uid 1001 --gid 1001 --home-dir /deployments --no-create-home --shell /usr/sbin/nologin wakeq
COPY --from=build /src/target/quarkus-app/ /deployments/
ENV LANG=C.UTF-8
USER 1001
WORKDIR /deployments
# Heap: half the container's memory limit. Serial GC, a 48 MB code cache, 512 KB thread stacks and two malloc
# arenas keep the rest small: the operator with 1,000 tenants measured 324 MiB RSS with these, 277 MiB with the
# chart's added -XX:TieredStopAtLevel=1, 376 MiB with the JVM's defaults, all with a 192 MB heap
# (scripts/scale-bench.sh, README). An OutOfMemoryError ends the pod (Kubernetes
# restarts it) rather than leaving a half-working JVM; crash logs go to /tmp, the only writable place with a
# read-only root.
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["/opt/java/openjdk/bin/java", "-XX:MaxRAMPercentage=50", "-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=48m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-XX:ErrorFile=/tmp/hs_err_pid%p.log", "-jar", "/deployments/quarkus-run.jar"]
