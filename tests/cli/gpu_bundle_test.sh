#!/usr/bin/env bash
# scripts/gpu-bundle.sh, then CMake configured as scripts/gpu-check.sh configures it on a GPU
# machine: against the bundle alone, with no system search path and no pkg-config (so that every
# dependency found must come from the bundle), and libtorch taken as a pip / libtorch 2.x tree lies
# (GB_TORCH_ROOT: include/ and lib/; here Debian's libtorch files in that layout). No GPU and no
# compiling: it checks, in seconds, that both scripts keep working with the build (docs/gpu.md).
#
#   tests/cli/gpu_bundle_test.sh SOURCE_DIR
set -euo pipefail
src=$(cd "${1:?usage: gpu_bundle_test.sh SOURCE_DIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

bash "$src/scripts/gpu-bundle.sh" "$work/bundle" || fail "gpu-bundle.sh"
mkdir -p "$work/torch"
ln -s /usr/include "$work/torch/include"
ln -s /usr/lib/x86_64-linux-gnu "$work/torch/lib"
PKG_CONFIG_LIBDIR=/nonexistent cmake -S "$src" -B "$work/build" -DGB_BUILD_TESTS=OFF \
  -DGB_BUILD_BENCH=OFF -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF \
  -DCMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH=OFF "-DCMAKE_C_COMPILER=$(command -v cc)" \
  "-DCMAKE_CXX_COMPILER=$(command -v c++)" "-DCMAKE_MAKE_PROGRAM=$(command -v make)" \
  "-DCMAKE_PREFIX_PATH=$work/bundle/usr" "-DGB_TORCH_ROOT=$work/torch" >"$work/cmake.log" 2>&1 \
  || { cat "$work/cmake.log"; fail "cmake did not configure against the bundle"; }
grep -q "libtorch at $work/torch" "$work/cmake.log" || fail "GB_TORCH_ROOT was not used"
for var in fmt_DIR nlohmann_json_DIR tomlplusplus_DIR CLI11_DIR GB_SQLITE3_LIBRARY \
  GB_SQLITE3_INCLUDE_DIR GB_PNG_LIBRARY GB_PNG_INCLUDE_DIR GB_TURBOJPEG_LIBRARY \
  GB_TURBOJPEG_INCLUDE_DIR GB_HTTPLIB_LIBRARY GB_HTTPLIB_INCLUDE_DIR; do
  value=$(grep -E "^$var(:[A-Z]+)?=" "$work/build/CMakeCache.txt" | cut -d= -f2-)
  [[ "$value" == "$work/bundle/"* ]] || fail "$var is '$value', not in the bundle"
done
bash -n "$src/scripts/gpu-check.sh" || fail "gpu-check.sh does not parse"
bash "$src/scripts/gpu-check.sh" --help | grep -q -- "--compile-only" || fail "gpu-check.sh --help"
echo "ok: the bundle ($(du -sh "$work/bundle" | cut -f1)) configures greenbatch with libtorch in a 2.x layout"
