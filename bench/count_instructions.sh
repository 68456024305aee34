#!/usr/bin/env bash
# Instructions per decision, interpreter vs JIT, counted by valgrind's callgrind: a figure the
# shared machine's load cannot move, to read beside the timings of bench_decisions.sh. Each
# benchmark runs twice, for a fixed number of decisions (GYRATE_BENCH_ITERATIONS), collecting
# only inside the request loop; the difference over the difference in decisions leaves out
# every fixed cost. Usage:
#   bench/count_instructions.sh [BUILD_DIR] [--large]   (--large: also 1,000 plans, ~10 min)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="$src/../build-release"
what=(Decision)
for arg in "$@"; do
  case "$arg" in
    --large) what+=(DecisionLargeCatalog) ;;
    *) build="$arg" ;;
  esac
done
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGYRATE_WERROR=OFF -DGYRATE_BUILD_TESTS=OFF \
  -DGYRATE_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target bench_decisions >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

count() {  # count BENCHMARK ITERATIONS: instructions collected inside its request loop
  # JIT code is written at run time: --smc-check makes valgrind translate it afresh.
  GYRATE_BENCH_ITERATIONS="$2" valgrind --tool=callgrind --smc-check=all-non-file \
    --toggle-collect='*run_decisions*' --callgrind-out-file="$out/$1.$2" \
    "$build/bench/bench_decisions" --benchmark_filter="^$1/" >/dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$out/$1.$2"
}

small=2000 large=10000
echo "instructions per decision (callgrind; $small and $large decisions, differenced):"
for w in "${what[@]}"; do
  declare -A per=()
  for e in Interpreter Jit; do
    a=$(count "BM_${w}_$e" $small)
    b=$(count "BM_${w}_$e" $large)
    per[$e]=$(( (b - a) / (large - small) ))
  done
  awk -v w="$w" -v i="${per[Interpreter]}" -v j="${per[Jit]}" \
    'BEGIN { printf "  %-20s interpreter %6d   jit %5d   jit runs %5.1fx fewer\n", w, i, j, i / j }' 
done
