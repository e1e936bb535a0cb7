#!/usr/bin/env bash
# A 3-member etcd cluster on 127.0.0.1 for side-by-side runs (Debian's etcd-server, 3.4):
#   bench/etcd-cluster.sh start [DIR]    client URLs 127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379
#   bench/etcd-cluster.sh status [DIR]   one line per member: endpoint, leader or not, raft term, db size
#   bench/etcd-cluster.sh stop [DIR]    stops the members (data stays in DIR)
#   bench/etcd-cluster.sh wipe [DIR]    stops them and deletes DIR
#   bench/etcd-cluster.sh install       only installs etcd if it is missing (bin/test uses it for the bench smoke test)
# DIR defaults to ~/.shardkv/etcd: the same disk as `bin/shardkv local` (~/.shardkv/local). fsync is on (etcd
# always syncs its WAL); installs etcd-server from Debian's packages if etcd is missing.
set -euo pipefail
cmd="${1:-}"
dir="${2:-$HOME/.shardkv/etcd}"
endpoints="127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379"
members=(m1 m2 m3)
client_port=(2379 22379 32379)
peer_port=(2380 22380 32380)
cluster="m1=http://127.0.0.1:2380,m2=http://127.0.0.1:22380,m3=http://127.0.0.1:32380"

ensure_etcd() {
    if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
        echo "etcd-cluster: installing etcd-server and etcd-client (apt-get)" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client >&2
    fi
}

running() { [[ -f "$dir/$1.pid" ]] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

stop() {
    for m in "${members[@]}"; do
        if running "$m"; then
            pid="$(cat "$dir/$m.pid")"
            kill "$pid"
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$dir/$m.pid"
    done
}

case "$cmd" in
    install)
        ensure_etcd
        echo "etcd: $(etcd --version | head -1)"
        ;;
    start)
        ensure_etcd
        mkdir -p "$dir"
        state=new
        [[ -d "$dir/m1/member" ]] && state=existing
        for i in 0 1 2; do
            m="${members[$i]}"
            running "$m" && continue
            ETCD_UNSUPPORTED_ARCH= setsid etcd --name "$m" --data-dir "$dir/$m" \
                --listen-client-urls "http://127.0.0.1:${client_port[$i]}" \
                --advertise-client-urls "http://127.0.0.1:${client_port[$i]}" \
                --listen-peer-urls "http://127.0.0.1:${peer_port[$i]}" \
                --initial-advertise-peer-urls "http://127.0.0.1:${peer_port[$i]}" \
                --initial-cluster "$cluster" --initial-cluster-state "$state" --initial-cluster-token shardkv-bench \
                --logger zap --log-outputs stderr >>"$dir/$m.log" 2>&1 </dev/null &
            echo $! >"$dir/$m.pid"
        done
        for _ in $(seq 300); do
            if ETCDCTL_API=3 etcdctl --endpoints "$endpoints" endpoint health >/dev/null 2>&1; then
                echo "etcd: 3 members healthy at $endpoints (data and logs in $dir)"
                exit 0
            fi
            sleep 0.1
        done
        echo "etcd-cluster: not healthy after 30 s; see $dir/m*.log" >&2
        exit 1
        ;;
    status)
        ETCDCTL_API=3 etcdctl --endpoints "$endpoints" endpoint status -w table
        ;;
    stop)
        stop
        echo "etcd: stopped (data in $dir)"
        ;;
    wipe)
        stop
        rm -rf "$dir"
        echo "etcd: stopped and deleted $dir"
        ;;
    *)
        echo "usage: bench/etcd-cluster.sh start|status|stop|wipe [DIR] | install" >&2
        exit 2
        ;;
esac
