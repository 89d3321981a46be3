#include "experiment/simulation.h"

#include <fmt/format.h>

#include <filesystem>

#include "common/errors.h"
#include "results/result_store.h"
#include "sim/simulator.h"

namespace gb {

SimulatedExperiment simulate_experiment(const ExperimentFile& experiment,
                                        const std::vector<Configuration>& configs,
                                        const std::map<std::string, ServiceProfile>& profiles,
                                        const std::string& out_dir, bool mean_service) {
  namespace fs = std::filesystem;
  SimulatedExperiment out;
  out.store_path = (fs::path(out_dir) / "results.sqlite").string();
  if (fs::exists(out.store_path)) {
    ResultStore existing(out.store_path);
    for (const StoredRun& r : existing.runs()) {
      if (!r.summary.value("simulated", false)) {
        throw UsageError("'" + out.store_path +
                         "' holds measured runs; simulate into another --out folder");
      }
    }
  }
  fs::create_directories(out_dir);
  ResultStore store(out.store_path, experiment, true);
  store.set_durable(false);
  for (const auto& [model, p] : profiles) {
    if (!p.machine.empty()) store.add_machine(p.machine);
  }

  const auto t0 = SteadyClock::now();
  out.runs.reserve(configs.size());
  for (const Configuration& c : configs) {
    out.runs.push_back(simulate_run(c.spec, profiles.at(c.spec.model.name), mean_service).summary);
    out.runs.back().run_id = fmt::format("config-{}", c.index);
    out.requests += c.spec.requests;
  }
  out.simulated_s = to_seconds(SteadyClock::now() - t0);
  for (std::size_t i = 0; i < configs.size(); ++i) {
    store.save(configs[i], out.runs[i], RunTrace{}, {}, {"simulated"});
  }
  out.total_s = to_seconds(SteadyClock::now() - t0);
  return out;
}

}  // namespace gb
