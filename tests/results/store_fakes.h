// What the store tests save: a small sweep, and a summary and trace for any of its
// configurations, with figures the tests can predict (energy per image = energy_j / 4).
#pragma once

#include <optional>

#include "results/experiment_file.h"
#include "results/summary.h"
#include "runtime/run_trace.h"

namespace gb::testing {

// 2 models x 2 rates x 2 policies x 2 repetitions, repetitions consecutive; noop first.
inline constexpr char kSmallSweep[] = R"(
[experiment]
name = "t"
requests = 64
warmup_batches = 2
repetitions = 2
seed = 5
idle_seconds = 0
sample_interval = "20ms"

[grid]
models = ["noop", "alexnet"]
rates = [16, 32]
arrival = ["paper"]
policies = ["fixed:16", "greedy"]
)";

inline RunSummary fake_summary(const Configuration& c, double energy_j) {
  RunSummary s;
  s.spec = c.spec;
  s.policy = c.spec.policy.canonical();
  s.batch_size_label = c.spec.policy.canonical();
  s.requests = 4;
  s.time_s = 1;
  s.energy.seconds = 1;
  s.energy.domains.push_back({"cpu", EnergyMethod::kEstimate, energy_j, std::nullopt, "test"});
  s.response_s.max = 0.5 + c.repetition;
  s.response_s.p99 = 0.4;
  s.run_id = "config-" + std::to_string(c.index);
  return s;
}

inline RunTrace fake_trace() {
  RunTrace t;
  t.scheduled = {Nanos(0), Nanos(1)};
  t.released = t.scheduled;
  t.batches = {{0, 2, Nanos(2), Nanos(3)}};
  return t;
}

}  // namespace gb::testing
