// The discrete-event simulator: the real runner's loop on a virtual clock. It drives the same
// BatchingPolicy objects through the same QueueView/Decision interface, with the same arrival
// schedules, and produces the same RunTrace and RunSummary, so every output (files, stores,
// report) works unchanged; results carry simulated=true and energy method "estimate".
//
// Model: requests arrive exactly on schedule (a real run adds the harness's release lag, ~0.3 ms
// p99); a batch of b takes a service time drawn from the profile; energy = idle power x time +
// the profile's dynamic energy of each batch. A batch that follows an idle period of f x the
// profile's isolation gap (f <= 1) costs its back-to-back dynamic energy plus f x the extra an
// isolated batch costs (thread pools waking up and spinning down around it). Its service time is
// drawn from the back-to-back samples when it starts the moment the previous batch ended, from
// the isolated ones from f >= 1/2 on, and from the short-gap ones (where measured) in between. A
// `speed` factor k (validate's --adjust-speed) multiplies every service time and every batch's
// dynamic energy by k: the same work on a machine k times slower, at the same power.
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
SimulatedStream simulate_stream(const std::vector<Nanos>& schedule, BatchingPolicy& policy,
                                ServiceSampler& service, const ServiceProfile& profile);

struct SimulatedRun {
  RunSummary summary;
  RunTrace trace;
};

// One configuration, as `greenbatch run` would measure it. `profile` must be of spec.model.
// Service times are drawn with a seed derived from spec.seed and `draw` (mean_only: the profile's
// means); the arrivals depend on spec.seed alone.
SimulatedRun simulate_run(const RunSpec& spec, const ServiceProfile& profile,
                          bool mean_only = false, std::size_t draw = 0, double speed = 1.0);

// What the simulator predicts for one configuration: the medians of energy per image, p99 and max
// response over `draws` simulations that share the arrival schedule and differ only in their
// service-time draws. A real run is one draw of its service times, and the p99 and max of a few
// hundred requests rest on its one or two slowest batches: a single simulated draw scatters as
// much as the real run does. Where a rare slow batch (1 in a few hundred) decides the max, its
// distribution over draws has two modes, with and without one; the median predicts the likelier
// of them (the mean lands between both, far from either), and is the point forecast with the least
// expected absolute error, which is how validate scores it. draws = 1 (or mean_only) gives
// simulate_run's figures.
struct Prediction : ValidationFigures {
  std::size_t draws = 0;
};
Prediction predict(const RunSpec& spec, const ServiceProfile& profile, std::size_t draws,
                   bool mean_only = false, double speed = 1.0);

// How much slower (> 1) or faster (< 1) the machine served a real run than `profile` says: the
// run's total service time over the profile's mean service time for the same batches (each at
// the mean of its regime, back to back, short gap or isolated, by the simulator's rule). A profile
// is a snapshot; on a machine whose speed drifts (a shared VM, a GPU that throttles) this separates
// the drift from the simulator's own error.
double observed_speed(const RunTrace& real, const ServiceProfile& profile);

}  // namespace gb
