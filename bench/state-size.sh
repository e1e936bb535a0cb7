#!/usr/bin/env bash
# Matrix items 5 and 6 of docs/performance.md, on a local cluster with one group of 3 (fsync on):
#   bench/state-size.sh recovery KEYS VALUE_BYTES   load KEYS keys, stop every process, start again:
#                                                   time until every shard is served, and each replica's
#                                                   log recovery and snapshot restore as it logged them
#   bench/state-size.sh memory KEYS VALUE_BYTES     load KEYS keys, then each replica's heap after a full GC,
#                                                   against the same cluster empty: bytes per key
# Servers get --heap (default 1g; SHARDKV_HEAP=4g for bigger states) and --engine (default memory;
# SHARDKV_ENGINE=rocksdb). recovery stops the processes gracefully, or with SHARDKV_STOP=kill by
# kill -9 of every process. Data in ~/.shardkv/state-size (wiped first).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
what="${1:?usage: bench/state-size.sh recovery|memory KEYS VALUE_BYTES}"
keys="${2:?KEYS}"
value="${3:?VALUE_BYTES}"
heap="${SHARDKV_HEAP:-1g}"
engine="${SHARDKV_ENGINE:-memory}"
stop="${SHARDKV_STOP:-graceful}"
dir="$HOME/.shardkv/state-size"
shardkv="$root/bin/shardkv"
trap '"$shardkv" local stop --dir "$dir" >/dev/null 2>&1 || true' EXIT

"$shardkv" local stop --dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
"$shardkv" local start --groups 1 --dir "$dir" --base-port 7600 --heap "$heap" --engine "$engine" | grep -E "ready in"

heap_after_gc() { # prints "replica heap_bytes" for each group replica
    for id in 1 2 3; do
        pid="$(cat "$dir"/run/server-100-"$id".pid)"
        jcmd "$pid" GC.run >/dev/null
        used="$(curl -s "http://127.0.0.1:$((8610 + id))/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {print $2}')"
        printf '%s %.0f\n' "$id" "$used"
    done
}

if [[ "$what" == memory ]]; then
    heap_after_gc > "$dir/empty.txt"
fi
# A few failed writes (timeouts while a large snapshot is taken) leave keys absent; report them, go on.
"$shardkv" bench load --dir "$dir" --keys "$keys" --value-size "$value" --clients 256 --limit 60m \
    | grep -E '^shardkv:|error' || true
case "$what" in
    recovery)
        du -sh "$dir"/data/server-100-1 | awk '{print "replica 1 on disk: " $1}'
        if [[ "$stop" == kill ]]; then
            pids="$(for f in "$dir"/run/*.pid; do cat "$f"; echo; done)"
            kill -9 $pids
            for _ in $(seq 300); do # until reaped: a zombie still counts as running
                alive=0
                for pid in $pids; do [[ -e /proc/$pid ]] && alive=1; done
                [[ $alive == 0 ]] && break
                sleep 0.1
            done
            echo "every process killed (kill -9)"
        else
            "$shardkv" local stop --dir "$dir" | tail -1
        fi
        "$shardkv" local start --dir "$dir" --heap "$heap" --engine "$engine" | grep -E "ready in"
        grep -hE 'recovered term|restored|snapshot at|resumed at|rebuilt from' "$dir"/logs/server-100-*.log | tail -9
        ;;
    memory)
        heap_after_gc > "$dir/loaded.txt"
        join "$dir/empty.txt" "$dir/loaded.txt" | while read -r id before after; do
            awk -v id="$id" -v b="$before" -v a="$after" -v k="$keys" \
                'BEGIN {printf "replica %s: heap %.1f MiB empty, %.1f MiB with %d keys: %.0f bytes per key\n", id, b/1048576, a/1048576, k, (a-b)/k}'
        done
        ;;
    *) echo "usage: bench/state-size.sh recovery|memory KEYS VALUE_BYTES" >&2; exit 2 ;;
esac
