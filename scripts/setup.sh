#!/usr/bin/env bash
# Installs the Debian packages greenbatch needs to build, run and test. Idempotent: prints nothing
# and changes nothing when everything is already installed. Needs root (or sudo) only when a package
# is missing.
set -euo pipefail

# Build and run.
pkgs=(cmake make g++ pkg-config
  libtorch-dev libopenblas0-pthread
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev libspdlog-dev
  libsqlite3-dev libturbojpeg0-dev libpng-dev gnuplot-nox
  libcpp-httplib-dev)  # serve and load: docs/serving.md says why this HTTP library
# Tests and tools (the reference models and transforms come from Debian's torchvision).
if [[ "${1:-}" == "--test" ]]; then
  # chromium: only for the test that opens a report in a headless browser; slurm-wlm and munge:
  # only for the test that runs a sharded sweep on real Slurm daemons (tests/cluster/).
  pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev clang-format python3-torchvision python3-pil
    chromium slurm-wlm munge)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's torch links the generic libblas.so.3; without OpenBLAS behind it, it falls back to the
# reference BLAS and ViT runs ~13x slower. Fail loudly rather than produce slow numbers quietly.
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
case "$blas" in
  *openblas*) ;;
  *) echo "setup: libblas.so.3 resolves to '${blas:-nothing}', not OpenBLAS;" \
       "run: update-alternatives --set libblas.so.3-x86_64-linux-gnu" \
       "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3" >&2
     exit 1 ;;
esac
