#include "sim/simulator.h"

#include <algorithm>
#include <optional>

#include "common/errors.h"
#include "common/statistics.h"
#include "energy/energy_method.h"
#include "runtime/dispatch_loop.h"
#include "workload/arrivals.h"

namespace gb {
namespace {
// The idle gap before a batch starting at `start`; none for a run's first batch.
std::optional<Nanos> gap_before(Nanos start, Nanos previous_end) {
  if (previous_end == Nanos::min()) return std::nullopt;
  return start - previous_end;
}
}  // namespace

SimulatedStream simulate_stream(const std::vector<Nanos>& schedule, BatchingPolicy& policy,
                                ServiceSampler& service, const ServiceProfile& profile) {
  // Every batch is charged by the profile's cost model; with mean service times its service
  // time is the model's too, so a mean-service run costs exactly what the offline bound
  // minimises.
  const auto model = profile.cost_model();
  Nanos previous_end = Nanos::min();
  SimulatedStream out;
  RunTrace& trace = out.trace;
  trace.scheduled = schedule;
  trace.released = schedule;  // virtual time: released exactly on schedule
  const std::size_t n = schedule.size();
  DispatchLoop loop(policy, trace);
  Nanos now{0};
  std::size_t tail = 0;
  while (!loop.done()) {
    while (tail < n && schedule[tail] <= now) ++tail;
    if (tail == loop.head()) {  // nothing queued: jump to the next arrival
      now = std::max(now, schedule[tail]);
      continue;
    }
    const Decision d = loop.decide(tail, now);
    switch (d.kind) {
      case Decision::Kind::kDispatch: {
        const std::optional<Nanos> gap = gap_before(now, previous_end);
        const BatchCharge charge = model->charge(d.count, gap);
        Nanos took = charge.service;
        if (!service.mean_only()) {
          took = service.draw(d.count, model->regime(gap));
        } else if (service.speed() != 1.0) {
          took = from_seconds(to_seconds(took) * service.speed());
        }
        const Nanos end = now + took;
        // A slower machine runs the same work at the same power for longer (speed: see header).
        out.dynamic_j += service.speed() * charge.dynamic_j;
        previous_end = end;
        loop.finish(d.count, now, end);
        now = end;
        break;
      }
      case Decision::Kind::kWakeAt:
        now = tail < n ? std::min(d.wake_at, schedule[tail]) : d.wake_at;
        break;
      case Decision::Kind::kWaitForArrival:
        now = schedule[tail];
        break;
    }
  }
  trace.end = trace.batches.empty() ? Nanos(0) : trace.batches.back().end;
  return out;
}

SimulatedRun simulate_run(const RunSpec& spec, const ServiceProfile& profile, bool mean_only,
                          std::size_t draw, double speed) {
  if (profile.model != spec.model.name) {
    throw UsageError("profile of '" + profile.model + "' cannot simulate model '" +
                     spec.model.name + "'");
  }
  const auto costs = profile.costs();
  auto policy = spec.policy.build(costs);
  const std::vector<Nanos> schedule = generate_schedule(spec.arrival, spec.requests, spec.seed);
  // Service-time draws get their own stream, so changing them never changes the arrivals.
  ServiceSampler service(profile,
                         (spec.seed ^ 0x9e3779b97f4a7c15ULL) + draw * 0xbf58476d1ce4e5b9ULL,
                         mean_only, speed);
  SimulatedStream s = simulate_stream(schedule, *policy, service, profile);

  EnergyAccount energy;
  energy.seconds = to_seconds(s.trace.end);
  DomainEnergy d;
  d.domain = "simulated";
  d.method = EnergyMethod::kEstimate;
  d.joules = profile.idle_power_w * energy.seconds + s.dynamic_j;
  d.idle_power_w = profile.idle_power_w;
  d.detail = "simulated from a profile of " + profile.model + " on " + profile.device_name +
             " (its energy measured with " + profile.energy_method + ")";
  energy.domains.push_back(d);

  SimulatedRun out;
  out.summary = summarize(spec, s.trace, energy, {});
  out.summary.simulated = true;
  out.summary.device_name = profile.device_name;
  out.summary.threads = profile.threads;
  out.summary.numeric_cost = profile.numeric_cost;
  out.summary.images_source = profile.images;
  out.trace = std::move(s.trace);
  return out;
}

Prediction predict(const RunSpec& spec, const ServiceProfile& profile, std::size_t draws,
                   bool mean_only, double speed) {
  if (draws == 0) throw UsageError("a prediction needs at least one draw");
  Prediction p;
  p.draws = mean_only ? 1 : draws;  // with means every draw is the same
  std::vector<double> energy, p99, max;
  for (std::size_t i = 0; i < p.draws; ++i) {
    const RunSummary s = simulate_run(spec, profile, mean_only, i, speed).summary;
    energy.push_back(s.energy_per_image_j());
    p99.push_back(s.response_s.p99);
    max.push_back(s.response_s.max);
  }
  p.energy_per_image_j = median(energy);
  p.p99_s = median(p99);
  p.max_s = median(max);
  return p;
}

double observed_speed(const RunTrace& real, const ServiceProfile& profile) {
  const ServiceSampler means(profile, 0, true);
  const auto model = profile.cost_model();
  Nanos previous_end = Nanos::min();
  double measured_s = 0, expected_s = 0;
  for (const BatchRecord& b : real.batches) {
    const Regime regime = model->regime(gap_before(b.start, previous_end));
    measured_s += to_seconds(b.end - b.start);
    expected_s += to_seconds(means.mean(b.size, regime));
    previous_end = b.end;
  }
  return expected_s > 0 && measured_s > 0 ? measured_s / expected_s : 1.0;
}

}  // namespace gb
