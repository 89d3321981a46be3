// The discrete-event simulator: the real runner's loop (runtime/dispatch_loop.h) on a virtual
// clock. It drives the same BatchingPolicy objects through the same QueueView/Decision interface,
// with the same arrival schedules, and produces the same RunTrace and RunSummary, so every output
// (files, stores, report) works unchanged; results carry simulated=true and energy method
// kEstimate.
//
// Model: requests arrive exactly on schedule; every batch is charged by the profile's
// BatchCostModel (batching/batch_costs.h, ServiceProfile::cost_model()): energy = idle power x
// time + each batch's charge().dynamic_j, where a batch after an idle period of f x the isolation
// gap (f <= 1) costs its back-to-back dynamic energy plus f x the extra an isolated one costs.
// With mean service times (mean_only) a batch's service time is charge().service too, so such a
// run costs exactly what the offline bound (offline:T) minimises; otherwise ServiceSampler draws
// it in the regime the model gives the idleness before it (back to back, short gap, isolated).
// A `speed` factor k multiplies every service time and every batch's dynamic energy by k. The
// model in full, and why it is this one: docs/simulator.md.
//
// Lifetime: nothing here keeps its arguments; each is used only during the call.
#pragma once

#include <vector>

#include "batching/policy.h"
#include "results/run_spec.h"
#include "results/summary.h"
#include "runtime/run_trace.h"
#include "sim/service_sampler.h"
#include "sim/validation.h"

namespace gb {

struct SimulatedStream {
  RunTrace trace;
  double dynamic_j = 0;
};

// Runs `policy` over `schedule` in virtual time. Throws std::logic_error when the policy breaks
// its contract (check_decision, as the real runner does).
// REQUIRES: `schedule` non-decreasing; `service` draws from `profile`.
SimulatedStream simulate_stream(const std::vector<Nanos>& schedule, BatchingPolicy& policy,
                                ServiceSampler& service, const ServiceProfile& profile);

struct SimulatedRun {
  RunSummary summary;
  RunTrace trace;
};

// One configuration, as `greenbatch run` would measure it; a profile of another model than
// spec.model is a UsageError. Service times are drawn with a seed derived from spec.seed and `draw`
// (mean_only: the profile's means); the arrivals depend on spec.seed alone.
SimulatedRun simulate_run(const RunSpec& spec, const ServiceProfile& profile,
                          bool mean_only = false, std::size_t draw = 0, double speed = 1.0);

// What the simulator predicts for one configuration: the medians of energy per image, p99 and max
// response over `draws` simulations that share the arrival schedule and differ only in their
// service-time draws (why medians: docs/simulator.md). draws = 1 (or mean_only) gives
// simulate_run's figures. UsageError for draws = 0.
struct Prediction : ValidationFigures {
  std::size_t draws = 0;
};
Prediction predict(const RunSpec& spec, const ServiceProfile& profile, std::size_t draws,
                   bool mean_only = false, double speed = 1.0);

// How much slower (> 1) or faster (< 1) the machine served a real run than `profile` says: the
// run's total service time over the profile's mean service time for the same batches (each at
// the mean of its regime, by the simulator's rule); 1 when either is 0. It separates a machine's
// drift since profiling from the simulator's own error.
double observed_speed(const RunTrace& real, const ServiceProfile& profile);

}  // namespace gb
