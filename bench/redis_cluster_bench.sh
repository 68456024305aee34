#!/usr/bin/env bash
# The Redis client's figures for docs/benchmarks.md ("Redis client"): run() and pipeline() on 1 and
# 3 masters with appendfsync everysec and always, and the design note's 6b shape (1 master + 1
# replica), medians of 3 repetitions. Each configuration starts its own local cluster.
# usage: bench/redis_cluster_bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/bench/redis_cluster_bench
[[ -x $BIN ]] || { echo "build $BIN first: cmake --build $BUILD --target redis_cluster_bench" >&2; exit 1; }
run() {
  echo "== $* (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$BIN" "$@" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null |
    grep -E '_median' | sed -E 's@/min_time:1.000/real_time@@; s@ +[0-9]+ ns +[0-9]+ ns +[0-9]+@@'
}
# Same-minute baseline on this shared box: redis-benchmark (one C event loop, 50 connections)
# against one plain redis-server with the same persistence settings, the same HINCRBY.
baseline() {
  local dir port pid
  dir=$(mktemp -d) port=$((23000 + RANDOM % 5000))
  redis-server --port "$port" --dir "$dir" --appendonly yes --appendfsync "$1" --save '' \
    --bind 127.0.0.1 --daemonize no --logfile "$dir/log" & pid=$!
  until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
  for pipe in 1 16; do
    echo "redis-benchmark appendfsync=$1 -c 50 -P $pipe: $(redis-benchmark -p "$port" -c 50 -P "$pipe" \
      -n 200000 -r 100000 -q hincrby '{acct:__rand_int__}' balance -1 | tr '\r' '\n' | tail -1)"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$dir"
}
baseline everysec
run --masters=1,3 --fsync=everysec
baseline always
run --masters=1,3 --fsync=always
run --masters=1 --replicas=1 --fsync=everysec
