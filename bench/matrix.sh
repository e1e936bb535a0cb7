#!/usr/bin/env bash
# The side-by-side matrix of docs/performance.md: shardkv against etcd 3.4 on this machine, each with
# 3 replicas on 127.0.0.1, fsync on, 256-byte values, alternating A B A B per point, then plots.
#   bench/matrix.sh [--reps N] [--duration 15s] [--warmup 5s] [--out DIR] [--quick]
#   1. writes and linearizable reads, 1/16/64/256 clients, shardkv with one group
#   2. YCSB-A and YCSB-B (zipfian), 16/64/256 clients, shardkv with 3 groups
# --quick: 1 rep, 5 s points, 64 clients only (a minute or two: checks the pipeline, not a result).
# Results: DIR/single-group and DIR/three-groups (runs.jsonl, summary.csv, .hgrm), DIR/*.png, DIR/machine.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps=2
duration=15s
warmup=5s
clients=1,16,64,256
ycsb_clients=16,64,256
out="$root/bench/results/$(date +%Y%m%d-%H%M%S)"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) reps="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --quick) reps=1; duration=5s; warmup=2s; clients=64; ycsb_clients=64; shift ;;
        *) echo "usage: bench/matrix.sh [--reps N] [--duration D] [--warmup D] [--out DIR] [--quick]" >&2; exit 2 ;;
    esac
done
work="$HOME/.shardkv/matrix"
shardkv="$root/bin/shardkv"
endpoints=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379
mkdir -p "$out"

cleanup() {
    "$shardkv" local stop --dir "$work/shardkv" >/dev/null 2>&1 || true
    "$root/bench/etcd-cluster.sh" stop "$work/etcd" >/dev/null 2>&1 || true
}
trap cleanup EXIT

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "memory: $(free -g | awk '/Mem:/{print $2}') GiB"
    echo "disk: $(df -h "$HOME" | awk 'NR==2{print $1, $2}')"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "etcd: $(etcd --version 2>/dev/null | head -1 || echo missing)"
    echo "points: reps $reps, warm-up $warmup, window $duration"
} | tee "$out/machine.txt"

run_matrix() { # NAME GROUPS WORKLOADS CLIENTS DISTRIBUTION
    local name="$1" groups="$2" workloads="$3" cl="$4" dist="$5"
    rm -rf "$work"
    "$root/bench/etcd-cluster.sh" start "$work/etcd"
    "$shardkv" local start --groups "$groups" --dir "$work/shardkv" --base-port 7500
    "$shardkv" bench matrix --dir "$work/shardkv" --endpoints "$endpoints" --workloads "$workloads" \
        --clients "$cl" --distribution "$dist" --reps "$reps" --duration "$duration" --warmup "$warmup" \
        --preload --out "$out/$name" 2> "$out/$name.log" | tee "$out/$name.txt"
    cleanup
}

run_matrix single-group 1 write,read "$clients" uniform
run_matrix three-groups 3 ycsb-a,ycsb-b "$ycsb_clients" zipfian
"$root/bench/plot.sh" "$out"
echo "results in $out"
