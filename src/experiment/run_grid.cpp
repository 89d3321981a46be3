#include "experiment/run_grid.h"

#include "batching/policy.h"
#include "common/errors.h"
#include "profile/profile.h"
#include "workload/arrivals.h"

namespace gb {

std::vector<Configuration> expand_run_grid(const RunGrid& g) {
  ExperimentFile file;
  file.base = g.base;
  for (double rate : g.rates) {
    const ArrivalSpec arrival = parse_arrival(g.arrival, rate);
    if (file.base.requests == 0) {
      file.base.requests = arrival.kind == ArrivalSpec::Kind::kTrace && arrival.trace
                               ? arrival.trace->size()
                               : kDefaultRunRequests;
    }
  }
  file.rates = g.rates;
  file.models = {g.base.model.name};
  file.arrivals = {g.arrival};
  file.policies = g.policies;
  // Checked here to name the options; expanded as the levers they are (limits outer).
  gpu_setting_grid(g.power_limits, g.gpu_clocks, "--power-limit", "--gpu-clocks");
  if (!g.power_limits.empty()) file.lever_grid["power_limit"] = g.power_limits;
  if (!g.gpu_clocks.empty()) file.lever_grid["gpu_clocks"] = g.gpu_clocks;
  std::vector<Configuration> configs = expand(file);
  const auto costs = load_costs(g.base.profile, g.base.model.name);
  for (const Configuration& c : configs) c.spec.policy.build(costs);
  return configs;
}

}  // namespace gb
