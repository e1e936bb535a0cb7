#!/usr/bin/env bash
# Builds the shardkv image offline: the jar (if missing), the local base image (if missing), then
# the project Dockerfile on top of it. Usage: docker/build-image.sh [TAG]   (default shardkv:latest)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${1:-shardkv:latest}"
base="shardkv-base:17-4"
if [[ ! -f "$root/dist/target/shardkv.jar" ]]; then
    (cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests -pl dist -am package)
fi
if ! docker image inspect "$base" >/dev/null 2>&1; then
    "$root/docker/build-base-image.sh" "$base"
fi
docker build -q --build-arg BASE_IMAGE="$base" -t "$tag" "$root" >/dev/null
echo "built $tag"
