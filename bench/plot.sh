#!/usr/bin/env bash
# Plots a bench/matrix.sh result directory with gnuplot (installed from Debian's packages if missing):
#   throughput-vs-clients.png   ops/s against clients, per workload, shardkv and etcd (medians)
#   latency-cdf-<workload>.png  latency distribution at 64 clients, every run of both systems
set -euo pipefail
dir="${1:?usage: bench/plot.sh RESULT_DIR}"
if ! command -v gnuplot >/dev/null; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >&2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# summary.csv: workload,clients,a,b,a_ops,a_p50,a_p99,a_errors,b_ops,b_p50,b_p99,b_errors,...
plots=()
for csv in "$dir"/*/summary.csv; do
    for w in $(tail -n +2 "$csv" | cut -d, -f1 | sort -u); do
        awk -F, -v w="$w" 'NR>1 && $1==w {print $2, $5, $9}' "$csv" > "$tmp/$w.dat"
        plots+=("'$tmp/$w.dat' using 1:2 with linespoints title 'shardkv $w', '$tmp/$w.dat' using 1:3 with linespoints dashtype 2 title 'etcd $w'")
    done
done
IFS=,; joined="${plots[*]}"; unset IFS
gnuplot <<GP
set terminal pngcairo size 900,600 noenhanced
set output '$dir/throughput-vs-clients.png'
set title 'Throughput against clients (3 replicas each, fsync on, 256 B values; median of runs)'
set logscale x 2
set xlabel 'concurrent clients'
set ylabel 'operations per second'
set key top left
set grid
plot $joined
GP

# .hgrm: HdrHistogram percentile distribution (value ms, percentile, count, 1/(1-p)).
for w in $(ls "$dir"/*/*-c64-*.hgrm 2>/dev/null | xargs -n1 basename | sed -E 's/-c64-.*//' | sort -u); do
    lines=()
    for f in "$dir"/*/"$w"-c64-*.hgrm; do
        name="$(basename "$f" .hgrm | sed -E "s/^$w-c64-//")"
        grep -E '^ *[0-9]' "$f" | awk '{print $1, $2 * 100}' > "$tmp/$name.cdf"
        lines+=("'$tmp/$name.cdf' using 1:2 with lines title '$name'")
    done
    IFS=,; joined="${lines[*]}"; unset IFS
    gnuplot <<GP
set terminal pngcairo size 900,600 noenhanced
set output '$dir/latency-cdf-$w.png'
set title 'Latency distribution, $w at 64 clients (each run)'
set logscale x 10
set xlabel 'latency (ms)'
set ylabel 'percentile'
set yrange [0:100]
set key bottom right
set grid
plot $joined
GP
done
ls "$dir"/*.png
