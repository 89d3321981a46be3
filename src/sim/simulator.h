// The discrete-event simulator: the real runner's loop on a virtual clock. It drives the same
// BatchingPolicy objects through the same QueueView/Decision interface, with the same arrival
// schedules, and produces the same RunTrace and RunSummary, so every output (files, stores,
// report) works unchanged; results carry simulated=true and energy method "estimate".
//
// Model: requests arrive exactly on schedule (a real run adds the harness's release lag, ~0.3 ms
// p99); a batch of b takes a service time drawn from the profile; energy = idle power x time +
// the profile's dynamic energy of each batch. A batch that follows an idle period of f x the
// profile's isolation gap (f <= 1) costs its back-to-back dynamic energy plus f x the extra an
// isolated batch costs (thread pools waking up and spinning down around it); from f >= 1/2 on its
// service time is drawn from the isolated samples.
#pragma once

#include <vector>

#include "batching/policy.h"
#include "experiment/run_spec.h"
#include "experiment/summary.h"
#include "runtime/run_trace.h"
#include "sim/profile.h"

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
// Service times are drawn with a seed derived from spec.seed (mean_only: the profile's means).
SimulatedRun simulate_run(const RunSpec& spec, const ServiceProfile& profile,
                          bool mean_only = false);

}  // namespace gb
