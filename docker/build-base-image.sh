#!/usr/bin/env bash
# Builds a minimal Java 17 runtime image without any registry: FROM scratch, a jlink-ed JRE with
# the modules shardkv needs, and the host's glibc libraries it links against (Netty's native
# epoll library also needs libdl, librt and libpthread, which ldd on the JRE cannot see).
# Usage: docker/build-base-image.sh [TAG]   (default shardkv-base:17)
set -euo pipefail
tag="${1:-shardkv-base:17}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
jlink --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.sql,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output "$root/opt/java/openjdk"
libs="$( { find "$root/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null || true; } \
        | grep -o '/[^ ]*\.so[^ ]*' | sort -u)"
for lib in $libs /lib64/ld-linux-x86-64.so.2 $(ls /lib/x86_64-linux-gnu/{libdl,librt,libpthread}.so.* 2>/dev/null); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
mkdir -p "$root/tmp" "$root/etc" "$root/data"
chmod 1777 "$root/tmp"
echo 'root:x:0:0:root:/root:/sbin/nologin' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
tar -C "$root" -c . | docker import \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin' \
    - "$tag" >/dev/null
echo "built $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
