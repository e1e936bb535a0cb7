#!/usr/bin/env bash
# Builds a minimal Java 17 runtime image without any registry: FROM scratch, a jlink-ed JRE with
# the modules shardkv needs, and the host's glibc libraries it links against (Netty's native
# epoll library also needs libdl, librt and libpthread, RocksDB's also libstdc++ and libgcc_s: ldd on the JRE
# cannot see them); a static
# busybox (Debian's busybox-static, installed if missing) only for the image's HEALTHCHECK
# (`busybox wget` of /readyz: no JVM started per check); a user shardkv (10001) owning /data.
# Usage: docker/build-base-image.sh [TAG]   (default shardkv-base:17-4; bump the suffix when this changes)
set -euo pipefail
tag="${1:-shardkv-base:17-4}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
jlink --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.sql,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output "$root/opt/java/openjdk"
libs="$( { find "$root/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null || true; } \
        | grep -o '/[^ ]*\.so[^ ]*' | sort -u)"
for lib in $libs /lib64/ld-linux-x86-64.so.2 $(ls /lib/x86_64-linux-gnu/{libdl,librt,libpthread,libstdc++,libgcc_s}.so.* 2>/dev/null); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then   # missing, or not the static build
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
mkdir -p "$root/tmp" "$root/etc" "$root/data" "$root/bin"
cp /bin/busybox "$root/bin/busybox"
chmod 1777 "$root/tmp"
chown 10001:10001 "$root/data"
printf 'root:x:0:0:root:/root:/sbin/nologin\nshardkv:x:10001:10001:shardkv:/data:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nshardkv:x:10001:\n' > "$root/etc/group"
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
tar -C "$root" --numeric-owner -c . | docker import \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin' \
    - "$tag" >/dev/null
echo "built $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
