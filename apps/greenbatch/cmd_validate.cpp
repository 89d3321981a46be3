// greenbatch validate: each configuration run for real (in rounds) and simulated, with the errors.
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "common/errors.h"
#include "experiment/campaign.h"
#include "experiment/preflight.h"
#include "experiment/sinks.h"
#include "options.h"
#include "progress.h"
#include "report/console.h"
#include "results/attach_profiles.h"
#include "results/experiment_file.h"
#include "terminal.h"

namespace gb::cli {
namespace {

namespace fs = std::filesystem;

struct ValidateArgs {
  std::string file;
  std::vector<std::string> profiles;
  bool mean_service = false;
  bool adjust_speed = false;
  std::size_t draws = 20;
  std::size_t repetitions = 3;
  std::string csv;
  int threads = 0;                                 // 0: the file's
  double energy_target = 10, latency_target = 15;  // %
};

int validate_command(ValidateArgs& a) {
  // Fail before minutes of real runs, not after them.
  if (!a.csv.empty()) {
    const fs::path folder = fs::absolute(a.csv).parent_path();
    if (!fs::is_directory(folder)) {
      throw UsageError("--csv: folder '" + folder.string() + "' does not exist");
    }
    if (fs::is_directory(a.csv)) throw UsageError("--csv: '" + a.csv + "' is a folder");
  }
  ExperimentFile experiment = load_experiment(a.file);
  // Repetitions stay consecutive in the canonical order (ValidationSink groups by index / R);
  // drift is handled by running them in rounds instead.
  experiment.repetitions = a.repetitions;
  experiment.shuffle = false;
  if (a.threads > 0) experiment.base.threads = a.threads;
  std::vector<Configuration> configs = expand(experiment);
  const auto profiles = attach_profiles(configs, a.profiles, true);
  preflight(configs);
  ValidationSink sink(profiles, configs.size(),
                      {a.repetitions, a.draws, a.mean_service, a.adjust_speed, a.csv});
  on_interrupt_say("nothing is written");
  run_campaign(configs, sink, progress_options(configs, /*rounds=*/true));
  ValidationText text;
  text.repetitions = a.repetitions;
  text.draws = a.draws;
  text.mean_service = a.mean_service;
  text.adjust_speed = a.adjust_speed;
  text.energy_target_pct = a.energy_target;
  text.latency_target_pct = a.latency_target;
  text.energy_method = sink.energy_methods();
  std::fputs(validation_text(configs, sink.pairs(), text, output_width()).c_str(), stdout);
  if (!a.csv.empty()) status(fmt::format("{} runs -> {}", configs.size(), a.csv));
  return 0;
}

}  // namespace

Command register_validate(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Run each configuration for real and simulated, and print the errors");
  add_wide_flag(cmd);
  cmd->add_option("FILE", args->file, "experiment file (TOML)")->required();
  cmd->add_option("--profile,-p", args->profiles, "profile of each model")->required();
  cmd->add_flag("--mean-service", args->mean_service, "simulate with mean service times");
  cmd->add_flag("--adjust-speed", args->adjust_speed,
                "scale each simulation's service times and dynamic energy by the speed its real "
                "run showed (tests the simulator's model apart from the machine's drift)");
  cmd->add_option("--repetitions,-r", args->repetitions,
                  "real runs per configuration, in rounds, each with its own arrival seed as a "
                  "sweep's repetitions (replaces the file's `repetitions` and `shuffle`); the "
                  "errors compare the medians: one run's max is one batch's service time")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option(
      "--csv", args->csv,
      "also write every real run with its prediction to this CSV file (one row per run, "
      "repetition 0-based, seconds and joules; rewritten after each run)");
  cmd->add_option("--threads", args->threads, "torch threads (replaces the file's `threads`)")
      ->check(CLI::Range(1, static_cast<int>(kMaxThreads)));
  cmd->add_option("--draws", args->draws,
                  "simulations per configuration, differing in their service-time draws; the "
                  "prediction is their median (a real run is one draw)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->footer(
      "\nExample (3 real runs of each of quick.toml's 12 configurations, about 4 minutes on 2 "
      "cores):\n  greenbatch validate configs/quick.toml -p shufflenet_v2_x0_5.json -p "
      "alexnet.json --csv runs.csv\n");
  return [args] { return validate_command(*args); };
}

}  // namespace gb::cli
