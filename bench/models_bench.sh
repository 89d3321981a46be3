#!/usr/bin/env bash
# Images/s of every built-in model, ours (C++) next to torchvision (Python), on the same libtorch,
# in one run. The two sides alternate model by model (and swap order each round), so load from
# elsewhere on a shared machine hits both alike; each figure is the best window over all rounds.
#
# Usage: bench/models_bench.sh [BUILD_DIR] [MODELS]     (default: build, all eight)
# Environment: BATCHES (1,8), WINDOW_SECONDS (3), REPEATS (3 windows per run), ROUNDS (2),
#              THREADS (torch's default intra-op thread count), PYTHON (/usr/bin/python3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
bin=$build/bench/models_bench
[[ -x $bin ]] || bin=$build/models_bench
[[ -x $bin ]] || { echo "models_bench not built in $build (cmake --build $build --target models_bench)" >&2; exit 2; }
python=${PYTHON:-/usr/bin/python3}
models=${2:-alexnet,resnet50,densenet121,shufflenet_v2_x0_5,shufflenet_v2_x1_0,vit_b_16,convnext_tiny,convnext_base}
threads=${THREADS:-$("$python" -c 'import torch; print(torch.get_num_threads())')}
args=(--batches "${BATCHES:-1,8}" --seconds "${WINDOW_SECONDS:-3}" --repeats "${REPEATS:-3}" --threads "$threads")
rounds=${ROUNDS:-2}

raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
ours() { "$bin" --models "$1" "${args[@]}" >> "$raw"; }
theirs() { "$python" "$here/models_bench.py" --models "$1" "${args[@]}" >> "$raw"; }
for model in ${models//,/ }; do
  for ((r = 0; r < rounds; r++)); do
    if ((r % 2 == 0)); then ours "$model"; theirs "$model"; else theirs "$model"; ours "$model"; fi
  done
  echo "measured $model" >&2
done

echo "torch intra-op threads: $threads; $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "images/s, best ${WINDOW_SECONDS:-3} s window of $((rounds * ${REPEATS:-3})) per side"
echo
echo "| model | batch | ours (C++) | torchvision (Python) | ours / torchvision |"
echo "|---|---:|---:|---:|---:|"
awk -F, -v order="$models" '
  { key = $2 "," $3; if (!(key in seen)) { seen[key] = 1; keys[++n] = key }
    if ($5 > best[$1 "," key]) best[$1 "," key] = $5 }
  END {
    m = split(order, names, ",")
    for (i = 1; i <= m; i++) for (k = 1; k <= n; k++) {
      split(keys[k], kb, ",")
      if (kb[1] != names[i]) continue
      o = best["ours," keys[k]]; t = best["torchvision," keys[k]]
      printf "| %s | %d | %.2f | %.2f | %.3f |\n", kb[1], kb[2], o, t, (t > 0 ? o / t : 0)
    }
  }' "$raw"
