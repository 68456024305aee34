#!/usr/bin/env bash
# Issue 12's figures for docs/benchmarks.md and the sizing table of docs/operations.md in one go:
# bench/cluster_load.py (measured, ~5 min) writes its raw figures to OUT.json, then
# bench/cluster_sizing.py projects the table from them (assumptions printed with it).
# usage: bench/cluster_load.sh [BUILD_DIR] [OUT.json]   (defaults: build, cluster_load.json)
set -euo pipefail
BUILD=${1:-build}
OUT=${2:-cluster_load.json}
HERE=$(dirname "$0")
for bin in tools/gyrate-ocs/gyrate-ocs tools/gyrate-sim/gyrate-sim; do
  [[ -x $BUILD/$bin ]] || { echo "build $BUILD/$bin first: cmake --build $BUILD --target gyrate-ocs gyrate-sim" >&2; exit 1; }
done
echo "$(date -u '+%F %R UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$HERE/cluster_load.py" --build "$BUILD" --json "$OUT"
echo
"$HERE/cluster_sizing.py" "$OUT"
