#!/usr/bin/env bash
# Runs every benchmark and prints the figures docs/benchmarks.md records. Usage: run_all.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
echo "== harness overhead and arrival accuracy (no-op model)"
"$build/bench/harness_bench" --benchmark_counters_tabular=true
echo
echo "== the same through the CLI: 2,000,000 requests, offline, greedy:128"
out=$(mktemp -d)
/usr/bin/time -f "wall %e s" "$build/greenbatch" run --model noop --arrival offline \
  --requests 2000000 --policy greedy:128 --idle-seconds 0 --no-traces --out "$out" 2>&1 | grep -E "greedy|wall"
rm -rf "$out"
echo
echo "== saturation with a real model"
"$build/bench/saturation_bench" shufflenet_v2_x0_5 32 10
