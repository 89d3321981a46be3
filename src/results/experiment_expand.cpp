// The configurations of an experiment file (declared in results/experiment_file.h): the grid's
// product in run order, its shards and its session groups.
#include <algorithm>
#include <random>

#include "batching/policy.h"
#include "results/experiment_file.h"
#include "results/levers.h"

namespace gb {

std::vector<Configuration> expand(const ExperimentFile& f) {
  std::vector<Configuration> all;
  std::size_t index = 0;
  // Each policy parsed once, not once per model, arrival, rate and repetition.
  std::vector<PolicySpec> policies;
  for (const std::string& p : f.policies) policies.push_back(PolicySpec::parse(p));
  // The bases of each combination of the swept levers' values, the first lever outermost.
  std::vector<RunSpec> bases{f.base};
  for (const Lever& lever : levers()) {
    const auto swept = f.lever_grid.find(std::string(lever.name));
    if (swept == f.lever_grid.end()) continue;
    std::vector<RunSpec> next;
    for (const RunSpec& b : bases) {
      for (const std::string& value : swept->second) {
        next.push_back(b);
        lever.set(next.back(), value, lever.grid_key);
      }
    }
    bases = std::move(next);
  }
  for (const std::string& name : f.models) {
    const ModelRef model = model_for_target(name, f.base.target);
    for (const RunSpec& base : bases) {
      std::vector<Configuration> per_model;
      for (const std::string& arrival : f.arrivals) {
        // An offline stream has no rate: one configuration per policy, not one per rate.
        const std::vector<double> rates =
            arrival_needs_rate(arrival) ? f.rates : std::vector<double>{0};
        for (double rate : rates) {
          for (const PolicySpec& policy : policies) {
            for (std::size_t rep = 0; rep < f.repetitions; ++rep) {
              Configuration c;
              c.index = index++;
              c.repetition = rep;
              c.spec = base;
              c.spec.model = model;
              c.spec.set_arrival(arrival, rate);
              c.spec.policy = policy;
              // Repetitions differ in their arrival schedule, not only in noise.
              c.spec.seed = f.base.seed + rep;
              c.id = configuration_id(c.spec, rep);
              c.group_id = configuration_group_id(c.spec, rep);
              per_model.push_back(c);
            }
          }
        }
      }
      if (f.shuffle) {
        std::mt19937_64 rng(f.base.seed ^ fnv1a(name + describe_levers(base)));
        std::shuffle(per_model.begin(), per_model.end(), rng);
      }
      all.insert(all.end(), per_model.begin(), per_model.end());
    }
  }
  return all;
}

std::vector<Configuration> shard(const std::vector<Configuration>& all, std::size_t i,
                                 std::size_t n) {
  std::vector<Configuration> out;
  for (const Configuration& c : all) {
    if (std::stoull(c.id, nullptr, 16) % n == i) out.push_back(c);
  }
  return out;
}

std::vector<SessionGroup> group_by_session(const std::vector<Configuration>& configs) {
  std::vector<SessionGroup> groups;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    if (groups.empty() || !configs[i].spec.same_session(configs[groups.back().begin].spec)) {
      groups.push_back({i, i, 1});
    }
    SessionGroup& g = groups.back();
    g.end = i + 1;
    g.max_batch = std::max(g.max_batch, configs[i].spec.policy.max_batch());
  }
  return groups;
}

}  // namespace gb
