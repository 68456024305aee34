#!/usr/bin/env bash
# Builds bench_decisions in Release and runs it, then prints the interpreter/JIT ratios side by
# side (P1), per request class and on several threads, and the compile/load times (P4). The
# machine is shared: decisions run as 20 short repetitions interleaved in random order, so that a
# burst of load from elsewhere hits both evaluators alike and the medians stay put; compile and
# load times take 5 repetitions. Usage:
#   bench/bench_decisions.sh [BUILD_DIR]      (default: build-release next to the source tree)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$src/../build-release}"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGYRATE_WERROR=OFF -DGYRATE_BUILD_TESTS=OFF \
  -DGYRATE_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target bench_decisions >/dev/null
run() {  # run JSON FILTER REPETITIONS MIN_TIME
  "$build/bench/bench_decisions" --benchmark_filter="$2" --benchmark_repetitions="$3" \
    --benchmark_min_time="$4" --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true --benchmark_out="$1" --benchmark_out_format=json
}
run "$build/bench_decisions.json" 'Decision|Block|Class' 20 0.1
run "$build/bench_compile.json" 'Compile|Cached' 5 0.5
python3 - "$build/bench_decisions.json" "$build/bench_compile.json" <<'PY'
import json, sys
runs = {b["run_name"]: b for f in sys.argv[1:] for b in json.load(open(f))["benchmarks"]
        if b.get("aggregate_name") == "median"}
def ns(name, key="cpu_time"):
    return runs[name][key] * {"ns": 1, "us": 1e3, "ms": 1e6}[runs[name]["time_unit"]]
print("\nmedian CPU time, interpreter vs JIT on the same catalog and request mix:")
for what in ("Decision", "Block", "DecisionLargeCatalog"):
    i, j = ns(f"BM_{what}_Interpreter"), ns(f"BM_{what}_Jit")
    print(f"  {what:20s} interpreter {i:8.1f} ns   jit {j:7.1f} ns   jit is {i / j:5.1f}x faster")
print("\nmedian CPU time per decision by request class (P1: jit <= 50 ns and >= 15x):")
classes = ["FastGrant", "NearExhaustion", "Fault", "Host128", "PlanBlock", "Mixed/threads:1",
           "Mixed/threads:2", "Mixed/threads:4"]
for c in classes:
    base, _, threads = c.partition("/")
    suffix = "/" + threads if threads else ""
    i = ns(f"BM_Class_{base}_Interpreter{suffix}")
    j = ns(f"BM_Class_{base}_Jit{suffix}")
    host = runs[f"BM_Class_{base}_Jit{suffix}"].get("host_share", 0)
    ok = "meets P1" if j <= 50 and i / j >= 15 else "misses P1"
    print(f"  {c:20s} interpreter {i:8.1f} ns   jit {j:7.1f} ns   {i / j:5.1f}x   "
          f"jit on host {100 * host:5.1f}%   {ok}")
g = ns("BM_DecisionGeneric_Jit")
print(f"  Decision             jit through evaluate_block + decide_values {g:7.1f} ns")
for name in runs:
    if "Compile" in name or "Cached" in name:
        print(f"  {name:48s} {ns(name, 'real_time') / 1e6:8.2f} ms wall")
PY
