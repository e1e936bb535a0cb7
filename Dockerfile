# The shardkv server image: one jar, every role (ctrler, server, cli, admin) by its arguments.
# Builds offline with a locally made base (docker/build-base-image.sh) passed as BASE_IMAGE;
# the default is the conventional public JRE image.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
COPY dist/target/shardkv.jar /opt/shardkv/shardkv.jar
EXPOSE 7000 8000
# Not root: the local base image has a user shardkv (10001) owning /data; with another base image,
# give the volume mounted at /data to uid 10001 (Kubernetes: fsGroup 10001).
USER 10001:10001
# Healthy = ready (docs/operations.md): a member that knows its leader and has applied what is
# committed. Assumes --metrics-port 8000, as compose and Kubernetes run it; busybox is in the local
# base image for this alone.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8000/readyz"]
# Serial GC and small stacks suit many small replicas; DNS answers must not be cached forever,
# since replicas move between hosts. More JVM flags: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xss512k", "-Dsun.net.inetaddr.ttl=0", "-Dsun.net.inetaddr.negative.ttl=0", \
            "-jar", "/opt/shardkv/shardkv.jar"]
CMD ["--help"]
