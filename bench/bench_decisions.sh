#!/usr/bin/env bash
# Builds bench_decisions in Release and runs it: medians of 5 repetitions (interleaved in random
# order, so that load on a shared machine hits every benchmark alike), then the
# interpreter/JIT ratios side by side (P1) and the compile/load times (P4). Usage:
#   bench/bench_decisions.sh [BUILD_DIR]      (default: build-release next to the source tree)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$src/../build-release}"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGYRATE_WERROR=OFF -DGYRATE_BUILD_TESTS=OFF \
  -DGYRATE_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target bench_decisions >/dev/null
json="$build/bench_decisions.json"
"$build/bench/bench_decisions" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_enable_random_interleaving=true --benchmark_min_time=0.5 --benchmark_out="$json" --benchmark_out_format=json
python3 - "$json" <<'PY'
import json, sys
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("aggregate_name") == "median"}
def ns(name, key="cpu_time"):
    return runs[name][key] * {"ns": 1, "us": 1e3, "ms": 1e6}[runs[name]["time_unit"]]
print("\nmedian CPU time, interpreter vs JIT on the same catalog and request mix:")
for what in ("Decision", "Block", "DecisionLargeCatalog"):
    i, j = ns(f"BM_{what}_Interpreter"), ns(f"BM_{what}_Jit")
    print(f"  {what:20s} interpreter {i:8.1f} ns   jit {j:7.1f} ns   jit is {i / j:5.1f}x faster")
g = ns("BM_DecisionGeneric_Jit")
print(f"  Decision             jit without decide_fast {g:7.1f} ns")
for name in runs:
    if "Compile" in name or "Cached" in name:
        print(f"  {name:48s} {ns(name, 'real_time') / 1e6:8.2f} ms wall")
PY
