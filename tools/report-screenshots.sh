#!/usr/bin/env bash
# Regenerates the report screenshots in docs/img/ (README.md and docs/report.md show them): the
# report of a simulated paper sweep with --compare-paper --slo 2s, and of a short real run of
# shufflenet_v2_x0_5, each opened in headless Chromium (scripts/setup.sh --test installs it).
# A figure is shown by opening the page in an iframe at its anchor, since a screenshot of the page
# itself always starts at the top. Takes about a minute (the real run).
#
#   tools/report-screenshots.sh BUILD_DIR
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
gb="$(cd "${1:?usage: report-screenshots.sh BUILD_DIR}" && pwd)/greenbatch"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

profiles=()
for m in alexnet densenet121 shufflenet_v2_x0_5 vit_b_16 convnext_base; do
  profiles+=(-p "$src/configs/profiles/cpu-epyc-2vcpu/$m.json")
done
"$gb" simulate "$src/configs/paper.toml" "${profiles[@]}" --out "$work/sim" >/dev/null 2>&1
"$gb" report "$work/sim" --slo 2s --compare-paper >/dev/null
# A low rate, so that the power trace shows idle phases between batches.
"$gb" run --model shufflenet_v2_x0_5 --rate 8 --policy fixed:4 --policy fixed:16 \
  --policy greedy --requests 96 --warmup-batches 4 --idle-seconds 2 --out "$work/run" \
  >/dev/null 2>&1
"$gb" report "$work/run" --slo 2.5s >/dev/null

# shot OUT.png WIDTHxHEIGHT PAGE#ANCHOR:HEIGHT...: the frames stacked, one per anchor.
shot() {
  local out=$1 size=$2
  shift 2
  {
    echo '<!DOCTYPE html><html><body style="margin:0">'
    for frame in "$@"; do
      echo "<iframe src=\"${frame%:*}\" style=\"border:0;display:block;width:1280px;height:${frame##*:}px\"></iframe>"
    done
    echo '</body></html>'
  } >"$work/shot.html"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --hide-scrollbars --virtual-time-budget=5000 \
    --window-size="$size" --screenshot="$out" "file://$work/shot.html" 2>/dev/null
  echo "$out: $(stat -c %s "$out") bytes"
}
shot "$src/docs/img/report-paper-sim.png" 1280,740 "sim/report/report.html#fig2_3:740"
shot "$src/docs/img/report-run.png" 1280,1150 "run/report/report.html#fig2_1:640" \
  "run/report/report.html#fig6:510"
