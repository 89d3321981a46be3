#!/usr/bin/env bash
# The GPU check: build greenbatch against a machine's PyTorch 2.x (CUDA) and the bundle of
# scripts/gpu-bundle.sh, then run a fixed checklist in a few minutes into one folder and print a
# summary (docs/gpu.md). Made for a short lease on a GPU machine that has PyTorch, CMake and a
# compiler but no package registry.
#
#   scripts/gpu-check.sh --compile-only     configure and build, nothing else (a minute)
#   scripts/gpu-check.sh                    build if needed, then the checklist
#
# Options: --bundle DIR (default .gpu-bundle), --build DIR (default build-gpu), --out DIR (default
# gpu-check-<UTC time>), --device cuda:N (default cuda:0), --python EXE (default python3), --budget
# SECONDS for the checklist (default 240), --jobs N (default nproc). The build is Release, without
# tests or benchmarks. Every step has a time limit; one that fails or runs out of time is noted in
# the summary and the rest go on. A step whose option this greenbatch lacks is skipped with a
# note, never faked.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bundle="$src/.gpu-bundle"
build="$src/build-gpu"
out=""
device="cuda:0"
python=python3
budget=240
jobs=$(nproc)
compile_only=0
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --compile-only) compile_only=1 ;;
    --bundle) bundle=$2; shift ;;
    --build) build=$2; shift ;;
    --out) out=$2; shift ;;
    --device) device=$2; shift ;;
    --python) python=$2; shift ;;
    --budget) budget=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "gpu-check: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -d "$bundle/usr" ]] || { echo "gpu-check: no bundle at $bundle: run scripts/gpu-bundle.sh first (docs/gpu.md)" >&2; exit 2; }

# --- build -----------------------------------------------------------------------------------
torch_info=$("$python" -c 'import os, torch; print(torch.__version__); print(torch.version.cuda);
print(torch.utils.cmake_prefix_path); print(os.path.dirname(torch.__file__));
print(int(torch.compiled_with_cxx11_abi()))') || { echo "gpu-check: '$python' cannot import torch" >&2; exit 2; }
{ read -r torch_version; read -r torch_cuda; read -r torch_prefix; read -r torch_dir; read -r torch_abi; } <<<"$torch_info"
echo "gpu-check: torch $torch_version (CUDA $torch_cuda) at $torch_dir; bundle $bundle"
arch=x86_64-linux-gnu
common=(-DCMAKE_BUILD_TYPE=Release -DGB_BUILD_TESTS=OFF -DGB_BUILD_BENCH=OFF
  "-Dfmt_DIR=$bundle/usr/lib/$arch/cmake/fmt" "-Dtomlplusplus_DIR=$bundle/usr/lib/$arch/cmake/tomlplusplus"
  "-Dnlohmann_json_DIR=$bundle/usr/share/cmake/nlohmann_json" "-DCLI11_DIR=$bundle/usr/share/cmake/CLI11"
  "-DCMAKE_LIBRARY_PATH=$bundle/usr/lib/$arch")
mkdir -p "$build"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  # torch's own CMake package first; a CUDA build of it asks for the CUDA toolkit, which a pip
  # install lacks: then libtorch as it lies (GB_TORCH_ROOT, CMakeLists.txt).
  if ! cmake -S "$src" -B "$build" "${common[@]}" "-DCMAKE_PREFIX_PATH=$torch_prefix;$bundle/usr" \
    >"$build/configure.log" 2>&1; then
    echo "gpu-check: TorchConfig.cmake failed (tail of $build/configure.log below); using GB_TORCH_ROOT=$torch_dir"
    tail -5 "$build/configure.log"
    rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
    cmake -S "$src" -B "$build" "${common[@]}" "-DCMAKE_PREFIX_PATH=$bundle/usr" \
      "-DGB_TORCH_ROOT=$torch_dir" "-DGB_TORCH_CXX11_ABI=$torch_abi" >"$build/configure.log" 2>&1 \
      || { tail -30 "$build/configure.log"; echo "gpu-check: configure failed ($build/configure.log)" >&2; exit 1; }
  fi
fi
t0=$(date +%s)
if ! cmake --build "$build" -j "$jobs" --target greenbatch >"$build/build.log" 2>&1; then
  grep -E "error|Error" "$build/build.log" | head -30
  echo "gpu-check: build failed after $(($(date +%s) - t0)) s (log: $build/build.log)" >&2
  exit 1
fi
gb="$build/greenbatch"
echo "gpu-check: built $gb in $(($(date +%s) - t0)) s"
if ((compile_only)); then exit 0; fi

# --- checklist -------------------------------------------------------------------------------
out=${out:-$src/gpu-check-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
exec > >(tee -a "$out/check.log") 2>&1
deadline=$(($(date +%s) + budget))
summary=()
note() { summary+=("$1"); echo "gpu-check: $1"; }
# step NAME LIMIT_S COMMAND...: runs it with the smaller of its limit and the time left; its
# output in OUT/NAME.txt.
step() {
  local name=$1 limit=$2
  shift 2
  local left=$((deadline - $(date +%s)))
  ((left < limit)) && limit=$left
  if ((limit < 5)); then note "$name: skipped, out of time"; return 1; fi
  local t=$(date +%s) rc=0
  timeout --kill-after=5 "$limit" "$@" >"$out/$name.txt" 2>&1 || rc=$?
  if ((rc == 124 || rc == 137)); then note "$name: stopped after ${limit} s (time limit)"; return 1; fi
  if ((rc != 0)); then note "$name: failed (exit $rc): $(grep -m1 -E 'error|failed' "$out/$name.txt" || tail -1 "$out/$name.txt")"; return 1; fi
  echo "gpu-check: $name done in $(($(date +%s) - t)) s"
}
# column FILE NAME: that column of a summary.csv, one value per row.
column() { awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } c { print $c }' "$1"; }
# table DIR LABEL: one summary line per run of a run folder.
table() {
  local csv="$1/summary.csv"
  [[ -f "$csv" ]] || return 0
  # Columns of results format 3 (docs/results.md); power_limit is a lever's text ("200W").
  paste -d'|' <(column "$csv" model) <(column "$csv" policy) <(column "$csv" power_limit) \
    <(column "$csv" energy_per_image_j) <(column "$csv" energy_method) <(column "$csv" response_p99_s) \
    <(column "$csv" response_max_s) <(column "$csv" throughput_rps) |
    awk -F'|' -v label="$2" '{ printf "  %-10s %-20s %-12s %-7s %10.4f J/img %-12s p99 %7.3f s max %7.3f s %8.1f /s\n",
      label, $1, $2, ($3 == "" ? "default" : $3), $4, $5, $6, $7, $8 }' >>"$out/summary.txt"
}
: >"$out/summary.txt"
{
  echo "greenbatch GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(hostname)"
  echo "torch $torch_version, CUDA $torch_cuda; $("$gb" --version)"
  nvidia-smi --query-gpu=name,driver_version,power.limit,power.max_limit --format=csv,noheader 2>/dev/null || true
} >>"$out/summary.txt"

# 1. Devices: CUDA's and NVML's view, and which NVML GPU cuda:N is (by PCI bus id and UUID).
step devices 30 "$gb" devices --wide && cp "$out/devices.txt" "$out/devices-table.txt"
"$gb" devices --json >"$out/devices.json" 2>/dev/null || true
torch_uuid=$("$python" -c "import torch; p = torch.cuda.get_device_properties(${device#cuda:}); print('GPU-' + str(p.uuid) if hasattr(p, 'uuid') else '')" 2>/dev/null || true)
if step identity 60 "$gb" run --model noop --device "$device" --meter nvml --requests 64 --rate 1000 \
  --idle-seconds 0 --out "$out/identity"; then
  measures=$(grep -o '"measures": "[^"]*"' "$out/identity/summary.json" | head -1)
  nvml_uuid=$(grep -o 'GPU-[0-9A-Za-z-]*' <<<"$measures" | head -1)
  cuda_uuid=$(grep -o "CUDA driver numbers it (GPU-[0-9A-Za-z-]*" <<<"$measures" | grep -o 'GPU-[0-9A-Za-z-]*' || true)
  match="differ"
  [[ -n "$nvml_uuid" && "$nvml_uuid" == "$cuda_uuid" ]] && match="match"
  note "identity: $device is NVML's $nvml_uuid; CUDA driver says ${cuda_uuid:-?}, torch says ${torch_uuid:-?}: UUIDs $match"
  period=$(grep -o 'updates every [0-9]* ms\|updates continuously\|update period unknown' <<<"$measures" | head -1 || true)
  note "NVML energy counter: ${period:-no total-energy counter}"
fi
# 2. The harness alone.
if step noop 30 "$gb" run --model noop --arrival offline --requests 1000000 --policy greedy:128 \
  --idle-seconds 0 --meter estimate --out "$out/noop"; then
  note "noop: $(column "$out/noop/summary.csv" throughput_rps | awk '{ printf "%.2f M requests/s", $1 / 1e6 }') through queue, policy and dispatch"
fi
# 3. The paper's five models, fixed:32 and greedy at 128/s, 512 requests each.
for m in alexnet densenet121 shufflenet_v2_x0_5 vit_b_16 convnext_base; do
  step "paper-$m" 60 "$gb" run --model "$m" --device "$device" --rate 128 --arrival paper \
    --policy fixed:32 --policy greedy --requests 512 --warmup-batches 16 --idle-seconds 2 \
    --out "$out/paper" && table "$out/paper" paper || true
done
# 4. Precision, where this greenbatch has the option (issue 17).
if "$gb" run --help 2>/dev/null | grep -q -- '--precision'; then
  for m in resnet50 vit_b_16; do
    for p in fp32 fp16 bf16; do
      step "precision-$m-$p" 45 "$gb" run --model "$m" --device "$device" --rate 128 \
        --policy fixed:32 --requests 512 --warmup-batches 16 --idle-seconds 2 --precision "$p" \
        --out "$out/precision-$p" && table "$out/precision-$p" "$p" || true
    done
  done
else
  note "precision: skipped: this greenbatch has no --precision option"
fi
# 5. Power limits: three across the GPU's range for one model, if this process may set them.
range=$(tr -d '\n' <"$out/devices.json" | grep -o '"min_power_limit_w": *[0-9.]*, *"max_power_limit_w": *[0-9.]*' | head -1 || true)
if [[ -z "$range" ]]; then
  why=$(grep -o '"unavailable": "[^"]*"' "$out/devices.json" | head -1 | cut -d'"' -f4 || true)
  note "power limits: skipped: no GPU whose power limit NVML can set (${why:-NVML sees none})"
else
  lo=$(grep -o '[0-9.]*' <<<"$range" | sed -n 1p)
  hi=$(grep -o '[0-9.]*' <<<"$range" | sed -n 2p)
  limits=$(awk -v lo="$lo" -v hi="$hi" 'BEGIN { m = hi * 0.75; l = hi * 0.5; if (l < lo) l = lo; if (m < lo) m = lo;
    printf "%dW %dW %dW", hi, m, l }')
  args=()
  for l in $limits; do args+=(--power-limit "$l"); done
  if step power-limits 90 "$gb" run --model resnet50 --device "$device" --rate 128 --policy fixed:32 \
    --requests 512 --warmup-batches 16 --idle-seconds 2 "${args[@]}" --out "$out/power"; then
    table "$out/power" power
    note "power limits: $limits measured for resnet50 fixed:32 (restored after each)"
  fi
fi
"$gb" devices >"$out/devices-after.txt" 2>&1 || true

{
  echo
  echo "notes:"
  for s in "${summary[@]}"; do echo "  $s"; done
  echo
  echo "folder: $out ($(($(date +%s) - deadline + budget)) s of the ${budget} s budget used)"
} >>"$out/summary.txt"
echo
cat "$out/summary.txt"
