// The simulator's speed: the paper's whole sweep (configs/paper.toml: 100 configurations x 8192
// requests) from the shipped CPU profiles, best of several repetitions, without process start or
// writing results. Target (docs/benchmarks.md): under 1 s.
//
// Usage: sim_bench [EXPERIMENT.toml] [PROFILE_DIR] [REPEATS]
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "results/experiment_file.h"
#include "sim/simulator.h"

int main(int argc, char** argv) {
  const std::string file = argc > 1 ? argv[1] : "configs/paper.toml";
  const std::string dir = argc > 2 ? argv[2] : "configs/profiles/cpu-epyc-2vcpu";
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
  try {
    std::vector<gb::Configuration> configs = gb::expand(gb::load_experiment(file));
    std::map<std::string, gb::ServiceProfile> profiles;
    for (const auto& c : configs) {
      if (!profiles.count(c.spec.model.name)) {
        profiles.emplace(c.spec.model.name,
                         gb::ServiceProfile::load(dir + "/" + c.spec.model.name + ".json"));
      }
    }
    std::size_t requests = 0;
    for (const auto& c : configs) requests += c.spec.requests;
    double best = 1e9;
    double checksum = 0;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      for (const auto& c : configs) {
        checksum +=
            gb::simulate_run(c.spec, profiles.at(c.spec.model.name)).summary.energy.gross_j();
      }
      best = std::min(best,
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    fmt::print(
        "simulated {} ({} configurations, {} requests): best of {} = {:.1f} ms "
        "({:.1f} M requests/s); checksum {:.6g}\n",
        file, configs.size(), requests, repeats, best * 1e3, requests / best / 1e6,
        checksum / repeats);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sim_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
