#!/usr/bin/env bash
# Golden outputs of greenbatch's deterministic paths: simulate configs/paper.toml with the shipped
# profiles, export that store, and report on it. A refactor that claims "unchanged" is checked
# against these files instead of being asserted. Run with --update to rewrite them after a change
# that is meant to alter an output (and say why in the commit).
#
#   tests/golden/check.sh BUILD_DIR [--update]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: check.sh BUILD_DIR [--update]}" && pwd)
update=${2:-}
gb="$build/greenbatch"
expected="$here/paper-sim"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"
cd "$work"

profiles=()
for m in alexnet densenet121 shufflenet_v2_x0_5 vit_b_16 convnext_base; do
  profiles+=(-p "$src/configs/profiles/cpu-epyc-2vcpu/$m.json")
done
# Timings and the scratch folder's name are the only parts that may differ between runs.
"$gb" simulate "$src/configs/paper.toml" "${profiles[@]}" --out sim 2>"$work/simulate.err" \
  | sed -E 's/ in [0-9]+ ms; with writing [0-9]+ ms/ in N ms; with writing N ms/' >"$out/simulate.txt"
"$gb" export sim --csv export.csv >"$out/export.txt" 2>&1
mv export.csv "$out/export.csv"
"$gb" report "$work/sim" --out "$work/rep" >"$out/report.txt" 2>&1
sed -i "s#$work/##g" "$out/report.txt"
for f in rep/*.dat rep/*.gp rep/report.html; do
  sed "s#$work/##g" "$f" >"$out/report-$(basename "$f")"
done

if [[ "$update" == "--update" ]]; then
  rm -rf "$expected"
  cp -r "$out" "$expected"
  echo "golden outputs rewritten in $expected ($(ls "$expected" | wc -l) files)"
  exit 0
fi
if ! diff -r "$expected" "$out" >"$work/diff.txt"; then
  echo "golden outputs differ (first 60 lines of the diff; rerun with --update if intended):"
  head -60 "$work/diff.txt"
  exit 1
fi
echo "golden outputs match ($(ls "$expected" | wc -l) files)"
