// Harness benchmarks (design.md section 7):
// - overhead: requests/s through release -> queue -> policy -> dispatch -> completion with a
//   do-nothing executor (target >= 1,000,000/s on a 2-core machine);
// - arrival accuracy: |actual release - scheduled| at 1 kHz (target p99 <= 100 us).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>

#include "batching/policy.h"
#include "runtime/stream_runner.h"
#include "workload/arrivals.h"

namespace gb {
namespace {

void run_noop(benchmark::State& state, const char* arrival, double rate, const char* policy_spec) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto schedule = generate_schedule(parse_arrival(arrival, rate), n, 1);
  auto policy = parse_policy(policy_spec);
  NoopExecutor noop;
  StreamRunner runner;
  double batches = 0;
  for (auto _ : state) {
    auto p = policy->clone();
    const RunTrace trace =
        runner.run(schedule, *p, noop, SteadyClock::now() + std::chrono::milliseconds(1));
    batches = static_cast<double>(trace.batches.size());
    benchmark::DoNotOptimize(trace.end);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.counters["batches"] = batches;
}

// All requests arrive at once (MLPerf offline): pure queue + policy + dispatch cost.
void BM_HarnessOfflineGreedy128(benchmark::State& state) {
  run_noop(state, "offline", 0, "greedy:128");
}
BENCHMARK(BM_HarnessOfflineGreedy128)->Arg(2000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HarnessOfflineFixed16(benchmark::State& state) {
  run_noop(state, "offline", 0, "fixed:16");
}
BENCHMARK(BM_HarnessOfflineFixed16)->Arg(2000000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Paced arrivals at 2 M/s: the issuer and the dispatcher hand over continuously.
void BM_HarnessPoisson2M(benchmark::State& state) { run_noop(state, "poisson", 2e6, "greedy:128"); }
BENCHMARK(BM_HarnessPoisson2M)->Arg(2000000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Release accuracy at 1 kHz with a no-op model: the issuer's own jitter.
void BM_ArrivalAccuracy1kHz(benchmark::State& state) {
  const std::size_t n = 2000;
  const auto schedule = generate_schedule(parse_arrival("constant", 1000), n, 1);
  NoopExecutor noop;
  std::vector<double> lag_us;
  for (auto _ : state) {
    auto policy = parse_policy("greedy");
    const RunTrace trace = StreamRunner().run(schedule, *policy, noop,
                                              SteadyClock::now() + std::chrono::milliseconds(2));
    for (std::size_t i = 0; i < n; ++i) {
      lag_us.push_back(std::abs(to_seconds(trace.released[i] - trace.scheduled[i])) * 1e6);
    }
  }
  std::sort(lag_us.begin(), lag_us.end());
  auto pct = [&](double p) {
    return lag_us[std::min(lag_us.size() - 1, size_t(p * lag_us.size()))];
  };
  state.counters["p50_us"] = pct(0.50);
  state.counters["p99_us"] = pct(0.99);
  state.counters["max_us"] = lag_us.back();
}
BENCHMARK(BM_ArrivalAccuracy1kHz)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gb

BENCHMARK_MAIN();
