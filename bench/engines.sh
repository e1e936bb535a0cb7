#!/usr/bin/env bash
# Issue 20's engine A/B: two local clusters of one group of 3 (fsync on, 256-byte values), one with
# --engine memory and one with --engine rocksdb, both up for the whole run; each point runs A B A B
# (memory, rocksdb, memory, rocksdb) so drift on a shared machine hits both alike.
#   bench/engines.sh [--reps N] [--duration 10s] [--warmup 3s] [--clients 1,64] [--keys 100000]
# Prints one line per run, then per point the median ops/s and p99 of each engine and their ratio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps=2
duration=10s
warmup=3s
clients=1,64
keys=100000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) reps="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --keys) keys="$2"; shift 2 ;;
        *) echo "usage: bench/engines.sh [--reps N] [--duration D] [--warmup D] [--clients N,...] [--keys N]" >&2; exit 2 ;;
    esac
done
work="$HOME/.shardkv/engines"
shardkv="$root/bin/shardkv"
out="$work/runs.txt"
cleanup() {
    for engine in memory rocksdb; do
        "$shardkv" local stop --dir "$work/$engine" >/dev/null 2>&1 || true
    done
}
trap cleanup EXIT
cleanup
rm -rf "$work"
mkdir -p "$work"
"$shardkv" local start --groups 1 --dir "$work/memory" --base-port 7500 --engine memory | grep -E "ready in"
"$shardkv" local start --groups 1 --dir "$work/rocksdb" --base-port 7700 --engine rocksdb | grep -E "ready in"
for engine in memory rocksdb; do
    "$shardkv" bench load --dir "$work/$engine" --keys "$keys" --clients 64 --limit 10m | grep -E '^shardkv:|error' || true
done
IFS=, read -ra client_counts <<< "$clients"
for workload in write read; do
    for c in "${client_counts[@]}"; do
        for ((rep = 1; rep <= reps; rep++)); do
            for engine in memory rocksdb; do
                result="$("$shardkv" bench run --dir "$work/$engine" --workload "$workload" --clients "$c" \
                    --keys "$keys" --duration "$duration" --warmup "$warmup" --progress 10m --json 2>/dev/null)"
                echo "$workload $c $engine $rep $result" | tee -a "$out"
            done
        done
    done
done
python3 - "$out" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    workload, clients, engine, rep, result = line.split(' ', 4)
    r = json.loads(result)
    runs.setdefault((workload, int(clients)), {}).setdefault(engine, []).append(r)
def ops(rs):
    return statistics.median(r["opsPerSecond"] for r in rs)
def p99(rs):
    return statistics.median(r["latencyMs"]["all"]["p99"] for r in rs)
print("workload clients  memory ops/s  p99 ms   rocksdb ops/s  p99 ms   throughput ratio")
for (workload, clients), by in sorted(runs.items()):
    m, r = by["memory"], by["rocksdb"]
    mo, ro, mp, rp = ops(m), ops(r), p99(m), p99(r)
    print(f"{workload:8} {clients:7} {mo:13,.0f} {mp:7.2f} {ro:15,.0f} {rp:7.2f}   x{ro / mo:.2f}")
PY
