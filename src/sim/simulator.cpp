#include "sim/simulator.h"

#include <algorithm>

#include "common/errors.h"
#include "workload/arrivals.h"

namespace gb {
SimulatedStream simulate_stream(const std::vector<Nanos>& schedule, BatchingPolicy& policy,
                                ServiceSampler& service, const ServiceProfile& profile) {
  const auto back_to_back = profile.back_to_back_costs();
  const auto isolated = profile.isolated_costs();
  const double gap_s = profile.isolation_gap_s;
  Nanos previous_end = Nanos::min();
  SimulatedStream out;
  RunTrace& trace = out.trace;
  trace.scheduled = schedule;
  trace.released = schedule;  // virtual time: released exactly on schedule
  const std::size_t n = schedule.size();
  trace.batches.reserve(n / 4 + 1);
  QueueView queue{trace.scheduled.data(), 0, 0, n};
  Nanos now{0};
  std::size_t head = 0, tail = 0;
  while (head < n) {
    while (tail < n && schedule[tail] <= now) ++tail;
    if (tail == head) {  // nothing queued: jump to the next arrival
      now = std::max(now, schedule[tail]);
      continue;
    }
    queue.head = head;
    queue.tail = tail;
    const Decision d = policy.decide(queue, now);
    check_decision(policy, queue, d, now);
    switch (d.kind) {
      case Decision::Kind::kDispatch: {
        // How idle the device was before this batch, as a fraction of the isolation gap.
        const double idle_fraction = gap_s <= 0 ? 0
                                     : previous_end == Nanos::min()
                                         ? 1
                                         : std::min(1.0, to_seconds(now - previous_end) / gap_s);
        const Nanos end = now + service.draw(d.count, idle_fraction >= 0.5);
        trace.batches.push_back({head, d.count, now, end});
        const double base_j = back_to_back->dynamic_j(d.count);
        out.dynamic_j += base_j + idle_fraction * (isolated->dynamic_j(d.count) - base_j);
        previous_end = end;
        policy.on_batch_done({d.count, now, end, schedule[head]});
        head += d.count;
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
                          std::size_t draw) {
  if (profile.model != spec.model) {
    throw UsageError("profile of '" + profile.model + "' cannot simulate model '" + spec.model +
                     "'");
  }
  const auto costs = profile.costs();
  auto policy = parse_policy(spec.policy, costs);
  const ArrivalSpec arrival = parse_arrival(spec.arrival, spec.rate_hz);
  const std::vector<Nanos> schedule = generate_schedule(arrival, spec.requests, spec.seed);
  // Service-time draws get their own stream, so changing them never changes the arrivals.
  ServiceSampler service(
      profile, (spec.seed ^ 0x9e3779b97f4a7c15ULL) + draw * 0xbf58476d1ce4e5b9ULL, mean_only);
  SimulatedStream s = simulate_stream(schedule, *policy, service, profile);

  EnergyAccount energy;
  energy.seconds = to_seconds(s.trace.end);
  DomainEnergy d;
  d.domain = "simulated";
  d.method = "estimate";
  d.joules = profile.idle_power_w * energy.seconds + s.dynamic_j;
  d.idle_power_w = profile.idle_power_w;
  d.detail = "simulated from a profile of " + profile.model + " on " + profile.device_name +
             " (its energy measured with " + profile.energy_method + ")";
  energy.domains.push_back(d);

  SimulatedRun out;
  out.summary = summarize(spec, policy->describe(), s.trace, energy, {});
  out.summary.simulated = true;
  out.summary.device_name = profile.device_name;
  out.summary.images_source = profile.images;
  out.trace = std::move(s.trace);
  return out;
}

Prediction predict(const RunSpec& spec, const ServiceProfile& profile, std::size_t draws,
                   bool mean_only) {
  if (draws == 0) throw UsageError("a prediction needs at least one draw");
  Prediction p;
  p.draws = mean_only ? 1 : draws;  // with means every draw is the same
  for (std::size_t i = 0; i < p.draws; ++i) {
    const RunSummary s = simulate_run(spec, profile, mean_only, i).summary;
    p.energy_per_image_j += s.energy_per_image_j() / static_cast<double>(p.draws);
    p.p99_s += s.response_s.p99 / static_cast<double>(p.draws);
    p.max_s += s.response_s.max / static_cast<double>(p.draws);
  }
  return p;
}

}  // namespace gb
