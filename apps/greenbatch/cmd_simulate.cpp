// greenbatch simulate: a whole experiment file predicted from profiles in virtual time.
#include <fmt/format.h>

#include "commands.h"
#include "experiment/simulation.h"
#include "options.h"
#include "report/console.h"
#include "results/attach_profiles.h"
#include "results/experiment_file.h"
#include "terminal.h"

namespace gb::cli {
namespace {

struct SimulateArgs {
  std::string file;
  std::vector<std::string> profiles;
  std::string out = "results-simulated";
  bool mean_service = false;
};

int simulate_command(SimulateArgs& a) {
  const ExperimentFile experiment = load_experiment(a.file);
  std::vector<Configuration> configs = expand(experiment);
  const auto profiles = attach_profiles(configs, a.profiles, true);
  const SimulatedExperiment sim =
      simulate_experiment(experiment, configs, profiles, a.out, a.mean_service);
  for (const std::string& w : sim.warnings) status("warning: " + w);
  std::fputs(configurations_text(sim.runs, output_width()).c_str(), stdout);
  std::fputs(fmt::format("\nsimulated {} configurations ({} requests) in {:.0f} ms; with writing "
                         "{:.0f} ms -> {}\nenergy method: estimate (predicted from profiles, NOT "
                         "measured); service times {}\n",
                         configs.size(), sim.requests, sim.simulated_s * 1e3, sim.total_s * 1e3,
                         sim.store_path,
                         a.mean_service ? "at the profile's means" : "drawn from the profile")
                 .c_str(),
             stdout);
  return 0;
}

}  // namespace

Command register_simulate(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Predict an experiment file from profiles in virtual time (about a second)");
  add_wide_flag(cmd);
  cmd->add_option("FILE", args->file, "experiment file (TOML), as for sweep")->required();
  cmd->add_option("--profile,-p", args->profiles, "profile of each model (greenbatch profile)")
      ->required();
  cmd->add_option("--out,-o", args->out, "result folder (results.sqlite; report works on it)")
      ->capture_default_str();
  cmd->add_flag("--mean-service", args->mean_service,
                "use each batch size's mean service time instead of drawing from the profile");
  cmd->footer(
      "\nExample:\n  greenbatch simulate configs/paper.toml -p alexnet.json -p densenet121.json "
      "... --out /tmp/sim\n  greenbatch report /tmp/sim --slo 1s\n");
  return [args] { return simulate_command(*args); };
}

}  // namespace gb::cli
