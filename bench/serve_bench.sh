#!/usr/bin/env bash
# Serving benchmarks (docs/benchmarks.md, "Serving"): greenbatch serve driven by greenbatch load over
# loopback with keep-alive connections.
#   1. the noop model: requests/s and p99 at rising offered rates (the HTTP path alone)
#   2. shufflenet_v2_x0_5 at saturation (every request due at t=0, 64 connections): images/s of
#      serve + load against an in-process run of the same configuration (target >= 90 %)
# Usage: serve_bench.sh BUILD_DIR. Servers run on a free loopback port and are stopped by pid.
set -euo pipefail
build=${1:-build}
gb=$build/greenbatch
work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# start_server ARGS...: sets $server (pid) and $url.
start_server() {
  "$gb" serve --port 0 "$@" >"$work/serve.out" 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 600); do
    grep -q listening "$work/serve.out" 2>/dev/null && break
    sleep 0.1
  done
  url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.out")
}
stop_server() {
  kill "$server"
  wait "$server" || true
  server=""
}
# figure DIR KEY...: the last run's summary.json values.
figure() {
  /usr/bin/python3 - "$@" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1] + "/summary.json"))[-1]
print(" ".join(f"{k}={run[k]:.4g}" if isinstance(run[k], float) else f"{k}={run[k]}" for k in sys.argv[2:]))
EOF
}

echo "== serve --model noop, load at rising rates (keep-alive connections, binary tensors)"
start_server --model noop --policy greedy:64
for rate in 2000 5000 10000; do
  "$gb" load --url "$url" --model noop --arrival constant --rate "$rate" --requests $((rate * 4)) \
    --idle-seconds 0 --out "$work/noop-$rate" >/dev/null 2>&1
  echo "offered $rate/s: $(figure "$work/noop-$rate" throughput_rps response_p50_s response_p99_s release_lag_p99_us mean_batch_size)"
done
stop_server

echo
echo "== shufflenet_v2_x0_5, greedy:8, 512 requests all due at t=0: served images/s"
# 64 connections keep the server's queue full (batches of 8 need 8 waiting) without benchmarking
# the setup of 512 connections and threads at once on a small machine.
common="--model shufflenet_v2_x0_5 --arrival offline --requests 512 --policy greedy:8 --idle-seconds 0"
"$gb" run $common --warmup-batches 8 --warmup-batch-size 8 --out "$work/run" >/dev/null 2>&1
echo "in process:     $(figure "$work/run" throughput_rps mean_batch_size mean_service_s)"
start_server --model shufflenet_v2_x0_5 --policy greedy:8 --warmup-batches 8 --warmup-batch-size 8
"$gb" load --url "$url" $common --connections 64 --out "$work/load" >/dev/null 2>&1
echo "serve + load:   $(figure "$work/load" throughput_rps mean_batch_size mean_service_s)"
stop_server
/usr/bin/python3 - "$work" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1] + "/run/summary.json"))[-1]["throughput_rps"]
b = json.load(open(sys.argv[1] + "/load/summary.json"))[-1]["throughput_rps"]
print(f"serve + load / in process: {100 * b / a:.1f} % (target >= 90 %)")
EOF
