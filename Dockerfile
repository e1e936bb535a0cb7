# The shardkv server image: one jar, every role (ctrler, server, cli, admin) by its arguments.
# Builds offline with a locally made base (docker/build-base-image.sh) passed as BASE_IMAGE;
# the default is the conventional public JRE image.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
COPY dist/target/shardkv.jar /opt/shardkv/shardkv.jar
EXPOSE 7000 8000
# Serial GC and small stacks suit many small replicas; DNS answers must not be cached forever,
# since replicas move between hosts. More JVM flags: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xss512k", "-Dsun.net.inetaddr.ttl=0", "-Dsun.net.inetaddr.negative.ttl=0", \
            "-jar", "/opt/shardkv/shardkv.jar"]
CMD ["--help"]
