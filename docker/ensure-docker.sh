#!/usr/bin/env bash
# Makes a Docker engine ready for the container tests, doing only what is missing: installs Debian's
# docker.io when there is no dockerd (needs root and apt-get), starts dockerd when no engine
# answers, waits for `docker info`, and builds the local base image (no registry is needed).
# Exit 0: ready. Exit 1: not possible here; the reason is on stderr.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="${SHARDKV_DOCKERD_LOG:-${TMPDIR:-/tmp}/shardkv-dockerd.log}"
base="shardkv-base:17-4"

fail() {
    echo "docker: $*" >&2
    exit 1
}

if ! docker info >/dev/null 2>&1; then
    [[ "$(id -u)" -eq 0 ]] || fail "no engine answers, and installing or starting one needs root"
    if ! command -v dockerd >/dev/null 2>&1; then
        command -v apt-get >/dev/null 2>&1 || fail "dockerd is missing and apt-get is not available to install docker.io"
        echo "docker: installing Debian's docker.io ..."
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io; } \
            >/dev/null || fail "apt-get install docker.io failed"
    fi
    echo "docker: starting dockerd (log: $log) ..."
    setsid dockerd >"$log" 2>&1 </dev/null &
    for _ in $(seq 1 120); do
        docker info >/dev/null 2>&1 && break
        sleep 0.5
    done
    if ! docker info >/dev/null 2>&1; then
        tail -n 20 "$log" >&2
        fail "dockerd did not answer within 60 s (the end of $log is above)"
    fi
fi
if ! docker image inspect "$base" >/dev/null 2>&1; then
    "$root/docker/build-base-image.sh" "$base" || fail "building the base image $base failed"
fi
echo "docker: engine $(docker version -f '{{.Server.Version}}' 2>/dev/null) ready, base image $base present"
