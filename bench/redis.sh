#!/usr/bin/env bash
# The Redis-protocol figures of docs/performance.md: on this machine, side by side per point
# (A B A B), 3 shard groups of 3 replicas on 127.0.0.1 (redis-benchmark's cluster mode wants at least
# 3 masters) with fsync on and 256-byte values:
#   native  bin/shardkv bench run (the Java client, Kryo frames)
#   resp    redis-benchmark --cluster against the same replicas' Redis ports
#   redis   redis-benchmark against one redis-server with appendonly yes, appendfsync always on the
#           same disk: the single-node durable ceiling
# for SET then GET at 1, 16 and 64 clients.
#   bench/redis.sh [--reps N] [--seconds S] [--out DIR]
# Needs redis-tools and redis-server (apt-get install redis-tools redis-server).
# Results: DIR/results.csv (system,op,clients,rep,ops_per_s,p50_ms,p99_ms) and DIR/machine.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps=2
seconds=10
out="$root/bench/results/redis-$(date +%Y%m%d-%H%M%S)"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) reps="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) echo "usage: bench/redis.sh [--reps N] [--seconds S] [--out DIR]" >&2; exit 2 ;;
    esac
done
for tool in redis-benchmark redis-server redis-cli; do
    command -v "$tool" >/dev/null || { echo "bench/redis.sh: $tool is missing (apt-get install redis-tools redis-server)" >&2; exit 1; }
done
work="$HOME/.shardkv/redis-bench"
shardkv="$root/bin/shardkv"
base=7500
resp_port=$((base + 11 + 2000))
redis_port=6390
keys=100000
mkdir -p "$out"

cleanup() {
    "$shardkv" local stop --dir "$work/shardkv" >/dev/null 2>&1 || true
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work/redis"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "redis: $(redis-server --version)"
    echo "points: reps $reps, about $seconds s each; values 256 B, $keys keys"
} | tee "$out/machine.txt"

"$shardkv" local start --groups 3 --dir "$work/shardkv" --base-port "$base"
redis-server --port "$redis_port" --dir "$work/redis" --appendonly yes --appendfsync always --save "" \
    --daemonize yes --logfile "$work/redis/redis.log"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "system,op,clients,rep,ops_per_s,p50_ms,p99_ms" > "$out/results.csv"

# A point's request count: about $seconds at the rate measured by a short probe of that point.
requests() { # OPS_PER_S
    awk -v r="$1" -v s="$seconds" 'BEGIN { n = int(r * s); if (n < 1000) n = 1000; print n }'
}

native() { # OP CLIENTS REP
    local workload=write
    [[ "$1" == get ]] && workload=read
    "$shardkv" bench run --dir "$work/shardkv" --workload "$workload" --clients "$2" --keys "$keys" \
        --value-size 256 --duration "${seconds}s" --warmup 2s --progress 60s --json 2>/dev/null \
        | python3 -c 'import json,sys; r=json.load(sys.stdin); a=r["latencyMs"]["all"]; print("%.0f,%.3f,%.3f" % (r["opsPerSecond"], a["p50"], a["p99"]))' \
        | sed "s/^/native,$1,$2,$3,/" >> "$out/results.csv"
}

benchmark() { # SYSTEM OP CLIENTS REP PORT [--cluster]
    local system="$1" op="$2" clients="$3" rep="$4" port="$5"; shift 5
    local probe n
    probe=$(redis-benchmark -p "$port" "$@" -t "$op" -d 256 -r "$keys" -c "$clients" -n $((clients * 200)) --csv \
        | awk -F'"' '$2 == "SET" || $2 == "GET" {print $4}')
    n=$(requests "$probe")
    redis-benchmark -p "$port" "$@" -t "$op" -d 256 -r "$keys" -c "$clients" -n "$n" --csv \
        | awk -F'"' -v s="$system" -v o="$op" -v c="$clients" -v r="$rep" '$2 == "SET" || $2 == "GET" {printf "%s,%s,%s,%s,%.0f,%s,%s\n", s, o, c, r, $4, $10, $14}' \
        >> "$out/results.csv"
}

for op in set get; do
    for clients in 1 16 64; do
        for rep in $(seq "$reps"); do
            native "$op" "$clients" "$rep"
            benchmark resp "$op" "$clients" "$rep" "$resp_port" --cluster
            benchmark redis "$op" "$clients" "$rep" "$redis_port"
            tail -3 "$out/results.csv"
        done
    done
done

python3 - "$out/results.csv" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
points = {}
for r in rows:
    points.setdefault((r["op"], int(r["clients"])), {}).setdefault(r["system"], []).append(float(r["ops_per_s"]))
print("%-4s %7s %12s %12s %12s %10s %10s" % ("op", "clients", "native", "resp", "redis AOF", "resp/nat", "resp/redis"))
for (op, clients), by in sorted(points.items()):
    m = {s: statistics.median(v) for s, v in by.items()}
    print("%-4s %7d %12.0f %12.0f %12.0f %10.2f %10.2f" % (op, clients, m["native"], m["resp"], m["redis"],
          m["resp"] / m["native"], m["resp"] / m["redis"]))
EOF
