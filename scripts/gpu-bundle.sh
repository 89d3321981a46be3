#!/usr/bin/env bash
# Gathers what greenbatch's build needs beyond a machine's PyTorch into one folder (default
# .gpu-bundle/, git-ignored), for a GPU machine that has PyTorch, CMake and a compiler but no
# package registry and perhaps no Debian -dev packages (docs/gpu.md). Run it here; carry the folder
# there with the working tree; scripts/gpu-check.sh uses it.
#
#   scripts/gpu-bundle.sh [OUT]
#
# Everything comes from Debian packages: the files of those installed here (dpkg -L), else the
# package fetched with apt-get download and unpacked. Header-only libraries (CLI11, toml++'s
# headers, nlohmann-json) and the few shared libraries with their headers and CMake files (fmt,
# toml++, SQLite, libjpeg-turbo's TurboJPEG, libpng, zlib, cpp-httplib with the OpenSSL and Brotli
# it is built with); no pkg-config files, so that CMake finds the libraries by path in the bundle
# wherever it lies (CMakeLists.txt). Nothing is vendored into the repository. Fails when the
# folder would exceed 64 MiB.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/.gpu-bundle}
limit_mib=64

pkgs=(libcli11-dev libtomlplusplus-dev libtomlplusplus3 nlohmann-json3-dev libfmt-dev libfmt9
  libsqlite3-dev libsqlite3-0 libturbojpeg0-dev libturbojpeg0 libpng-dev libpng16-16 zlib1g
  zlib1g-dev libcpp-httplib-dev libcpp-httplib0.11 libssl-dev libssl3 libbrotli-dev libbrotli1)

rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The parts of a package a build reads: headers, shared libraries, CMake package files (zlib's
# library lives in /lib on Debian 12).
wanted() {
  grep -E '^(/usr)?/(include|lib|share/cmake)/' | grep -vE '/pkgconfig(/|$)|/cmake/libjpeg-turbo/|\.(a|la)$' || true
}

manifest="$out/bundle.txt"
echo "# greenbatch GPU bundle, made $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname) by scripts/gpu-bundle.sh" \
  >"$manifest"
for p in "${pkgs[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    version=$(dpkg-query -W -f='${Version}' "$p")
    dpkg -L "$p" | wanted | while read -r f; do
      # Files and symlinks (libfoo.so -> libfoo.so.9) as they are; folders are made by --parents.
      if [[ -f "$f" || -L "$f" ]] && [[ ! -d "$f" ]]; then cp -P --parents "$f" "$out"; fi
    done
    echo "$p $version (installed here)" >>"$manifest"
  else
    (cd "$tmp" && apt-get download -q "$p" >/dev/null)
    deb=$(ls "$tmp"/"${p}"_*.deb | head -1)
    mkdir -p "$tmp/x"
    dpkg-deb -x "$deb" "$tmp/x"
    (cd "$tmp/x" && find usr \( -type f -o -type l \) | sed 's|^|/|' | wanted | sed 's|^/||' \
      | while read -r f; do cp -P --parents "$f" "$out"; done)
    rm -rf "$tmp/x" "$deb"
    echo "$p $(dpkg-deb -f "$deb" Version 2>/dev/null || echo downloaded) (apt-get download)" \
      >>"$manifest"
  fi
done
# One prefix: /lib's files join /usr/lib's. Absolute symlinks (libz.so -> /lib/...) would point
# out of the bundle: each is made relative to the bundle's own copy.
if [[ -d "$out/lib" ]]; then
  cp -a "$out/lib/." "$out/usr/lib/"
  rm -rf "$out/lib"
fi
find "$out" -type l | while read -r link; do
  target=$(readlink "$link")
  [[ "$target" == /* ]] || continue
  copy="$out$target"
  [[ -e "$copy" ]] || copy="$out/usr${target}"
  if [[ -e "$copy" ]]; then
    ln -sfn "$(realpath --relative-to="$(dirname "$link")" "$copy")" "$link"
  else
    rm -f "$link"
  fi
done

size_kib=$(du -sk "$out" | cut -f1)
if ((size_kib > limit_mib * 1024)); then
  echo "gpu-bundle: $out is $((size_kib / 1024)) MiB, over the ${limit_mib} MiB limit" >&2
  exit 1
fi
echo "gpu-bundle: $out ($((size_kib / 1024)) MiB, $(($(wc -l <"$manifest") - 1)) packages; list in $manifest)"
