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
echo
echo "== the simulator: the paper's 100 configurations from the shipped CPU profiles"
"$build/bench/sim_bench" configs/paper.toml configs/profiles/cpu-epyc-2vcpu 5
/usr/bin/time -f "the whole command (process start, writing the store): wall %e s" \
  "$build/greenbatch" simulate configs/paper.toml --out "$(mktemp -d)" \
  $(for f in configs/profiles/cpu-epyc-2vcpu/*.json; do echo -p "$f"; done) 2>&1 | tail -3
echo
echo "== the power sampler at 10 ms: achieved interval and CPU use"
fake=$build/tests/energy/fake-nvml
if [[ -e $fake/libnvidia-ml.so.1 ]]; then
  LD_LIBRARY_PATH=$fake "$build/bench/sampler_bench" --meter nvml --seconds 10
else
  echo "(fake NVML not built: configure with GB_BUILD_TESTS=ON for the NVML figure)"
fi
"$build/bench/sampler_bench" --meter estimate --seconds 10
echo
bash "$(dirname "$0")/serve_bench.sh" "$build"
echo
echo "== the model zoo: our eager and optimized engines next to torchvision eager and Python's"
echo "   torch.jit.optimize_for_inference, interleaved; images/s at batch 1 and 8"
echo "   (bench/models_bench.sh, the longer eager-only comparison, runs on its own)"
threads=${THREADS:-$(/usr/bin/python3 -c 'import torch; print(torch.get_num_threads())')}
/usr/bin/python3 "$(dirname "$0")/engine_bench.py" "$build" --threads "$threads" \
  --rounds "${ROUNDS:-5}" --seconds "${WINDOW_SECONDS:-1}"
