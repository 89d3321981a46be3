#include "experiment/simulation.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "common/errors.h"
#include "results/machine.h"
#include "results/result_store.h"
#include "sim/simulator.h"

namespace gb {
namespace {

std::string text_at(const nlohmann::ordered_json& doc, const char* key) {
  const auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

// What differs between the conditions a profile was measured under and the experiment's.
std::vector<std::string> mismatches(const ServiceProfile& p, const SessionSpec& base,
                                    const nlohmann::ordered_json& here) {
  std::vector<std::string> out;
  const auto differ = [&](const std::string& what, const std::string& profiled,
                          const std::string& asked) {
    if (!profiled.empty() && !asked.empty() && profiled != asked) {
      out.push_back(fmt::format("profile of '{}' was made with {} {}, the experiment names {}",
                                p.model, what, profiled, asked));
    }
  };
  differ("device", p.device, base.device.text);
  if (base.threads > 0 && p.threads > 0 && p.threads != base.threads) {
    differ("threads", std::to_string(p.threads), std::to_string(base.threads));
  }
  if (p.machine.is_object()) {
    differ("greenbatch", text_at(p.machine, "greenbatch"), text_at(here, "greenbatch"));
    const std::string cpu = text_at(p.machine, "cpu"), this_cpu = text_at(here, "cpu");
    if (!cpu.empty() && !this_cpu.empty() && cpu != this_cpu) {
      out.push_back(fmt::format("profile of '{}' was measured on CPU '{}', this machine's is '{}'",
                                p.model, cpu, this_cpu));
    }
  }
  return out;
}

}  // namespace

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
  const nlohmann::ordered_json here = describe_machine(experiment.base.powercap_root);
  for (const auto& [path, p] : profiles) {
    if (!p.machine.empty()) store.add_machine(p.machine);
    for (std::string& w : mismatches(p, experiment.base, here))
      out.warnings.push_back(std::move(w));
  }

  const auto t0 = SteadyClock::now();
  out.runs.reserve(configs.size());
  for (const Configuration& c : configs) {
    const ServiceProfile& profile = profiles.at(c.spec.profile);
    out.runs.push_back(simulate_run(c.spec, profile, mean_service).summary);
    // A prediction is of the device the profile measured, whatever the experiment names.
    try {
      if (!profile.device.empty()) out.runs.back().spec.device = Device::parse(profile.device);
    } catch (const UsageError&) {  // a profile from a newer greenbatch: keep the experiment's
    }
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

std::vector<double> predicted_seconds(const std::vector<Configuration>& configs,
                                      const std::map<std::string, ServiceProfile>& profiles) {
  std::vector<double> out;
  for (const Configuration& c : configs) {
    const auto p = profiles.find(c.spec.profile);
    out.push_back(p == profiles.end() ? std::nan("")
                                      : simulate_run(c.spec, p->second, true).summary.time_s);
  }
  return out;
}

}  // namespace gb
