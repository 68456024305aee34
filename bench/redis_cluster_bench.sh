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
run --masters=1,3 --fsync=everysec
run --masters=1,3 --fsync=always
run --masters=1 --replicas=1 --fsync=everysec
