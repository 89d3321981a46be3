// simulate_experiment: every configuration of an experiment predicted from its model's profile,
// saved into OUT/results.sqlite (which report and export read like a measured sweep's).
//
// Contract: a store at OUT that holds measured runs is never touched (UsageError); otherwise it
// is started fresh, since a simulation is recomputed in about a second, and saved without
// per-configuration fsyncs. Only summaries are kept: a simulated trace is recomputed exactly by
// simulating again.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "profile/profile.h"
#include "results/experiment_file.h"
#include "results/summary.h"

namespace gb {

struct SimulatedExperiment {
  std::vector<RunSummary> runs;  // in the order of the configurations
  std::size_t requests = 0;      // over every configuration
  double simulated_s = 0;        // wall-clock time of the simulation alone
  double total_s = 0;            // with writing the store
  std::string store_path;
  // Where a profile was made under other conditions than the experiment names or this machine
  // has (device, thread count, greenbatch version, CPU): one line each, for the terminal.
  std::vector<std::string> warnings;
};

// REQUIRES: profiles holds, by path, the profile each configuration's spec.profile names
// (attach_profiles).
SimulatedExperiment simulate_experiment(const ExperimentFile& experiment,
                                        const std::vector<Configuration>& configs,
                                        const std::map<std::string, ServiceProfile>& profiles,
                                        const std::string& out_dir, bool mean_service);

// Seconds each configuration's run would take by its model's profile (the simulated run's window
// at the profile's mean service times: longer than the arrivals when the run is overloaded); NaN
// where no profile serves it (spec.profile empty). Loading, warm-up and the idle baseline are not
// part of it. REQUIRES: `profiles` by path, as attach_profiles returns them and set spec.profile.
std::vector<double> predicted_seconds(const std::vector<Configuration>& configs,
                                      const std::map<std::string, ServiceProfile>& profiles);

}  // namespace gb
