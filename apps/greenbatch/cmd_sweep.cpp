// greenbatch sweep: a declarative experiment, run configuration by configuration into a
// crash-safe store, resumable by rerunning the same command; shards for clusters.
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "common/errors.h"
#include "common/parse.h"
#include "experiment/campaign.h"
#include "experiment/preflight.h"
#include "experiment/simulation.h"
#include "experiment/sinks.h"
#include "options.h"
#include "progress.h"
#include "report/console.h"
#include "results/attach_profiles.h"
#include "results/experiment_file.h"
#include "results/machine.h"
#include "results/result_store.h"
#include "terminal.h"

namespace gb::cli {
namespace fs = std::filesystem;
namespace {

struct SweepArgs {
  std::string file;
  std::string out = "results";
  std::string shard;
  bool fresh = false;
  bool yes = false;
  bool wait = false;
  bool dry_run = false, json = false;
  std::vector<std::string> profiles;
};

int sweep_command(const SweepArgs& a) {
  const ExperimentFile experiment = load_experiment(a.file);
  std::vector<Configuration> configs = expand(experiment);
  const auto profiles = attach_profiles(configs, a.profiles, false);
  std::string store_name = "results.sqlite";
  if (!a.shard.empty()) {
    const auto [i, n] = parse_shard(a.shard);
    configs = shard(configs, i, n);
    store_name = fmt::format("results-shard-{}-of-{}.sqlite", i, n);
  }
  if (a.fresh && !a.yes) {
    throw UsageError("--fresh deletes every stored configuration in '" + a.out +
                     "'; add --yes to confirm");
  }
  preflight(configs);
  const std::string store_path = (fs::path(a.out) / store_name).string();
  const auto plan = [&](const std::set<std::string>& stored) {
    return sweep_plan_text(experiment.name, configs, stored, a.dry_run, a.dry_run && a.json,
                           predicted_seconds(configs, profiles));
  };
  if (a.dry_run) {
    const bool any = !a.fresh && fs::exists(store_path);
    std::fputs(plan(any ? ResultStore(store_path).completed() : std::set<std::string>{}).c_str(),
               stdout);
    return 0;
  }
  fs::create_directories(a.out);
  check_folder_experiment(store_path, experiment);  // the shards' stores of one folder agree
  ResultStore store(store_path, experiment, a.fresh, a.wait);
  store.add_machine(describe_machine(experiment.base.powercap_root));
  const std::set<std::string> done = store.completed();
  std::vector<Configuration> todo;
  for (const Configuration& c : configs) {
    if (!done.count(c.id)) todo.push_back(c);
  }
  std::fputs(plan(done).c_str(), stderr);
  const std::size_t grown = store.grown_by();
  status(fmt::format("  -> {}/{}{}", a.out, store_name,
                     grown ? fmt::format(" (the grid grew by {}; stored runs kept)", grown) : ""));
  on_interrupt_say(
      "completed configurations are saved, the one in progress is discarded. Rerun the same "
      "command to resume.");
  const auto start = SteadyClock::now();
  StoreSink sink(store, (fs::path(a.out) / "incomplete").string());
  std::vector<RunSummary> results;
  run_campaign(todo, sink, progress_options(todo, false, experiment.cooldown, &results));
  status(fmt::format("sweep '{}' complete: {} runs in {}/{}, {} of them this session in {}",
                     experiment.name, configs.size(), a.out, store_name, todo.size(),
                     duration_words(to_seconds(SteadyClock::now() - start))));
  if (!results.empty()) {
    std::fputs(("\n" + configurations_text(results, output_width()) +
                fmt::format("\nall runs: greenbatch report {} (or export)\n", a.out))
                   .c_str(),
               stdout);
  }
  return 0;
}

}  // namespace

Command register_sweep(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run every configuration of an experiment file; rerun the same command to resume");
  add_wide_flag(cmd);
  cmd->add_option("file", a->file, "experiment file (TOML), e.g. configs/quick.toml")->required();
  cmd->add_option("--out,-o", a->out, "result folder (DIR/results.sqlite)")->capture_default_str();
  cmd->add_option("--shard", a->shard,
                  "run only the configurations whose content id (a hash of their settings, "
                  "docs/results.md) is i mod N, e.g. 0/4");
  cmd->add_option("--profile,-p", a->profiles,
                  "profile of a model (greenbatch profile), for its slo:T and offline:T policies");
  cmd->add_flag("--fresh", a->fresh, "discard stored results and start over (needs --yes)");
  cmd->add_flag("--dry-run", a->dry_run, "print the plan (runs, requests, time) and exit");
  cmd->add_flag("--json", a->json, "with --dry-run: the plan as JSON");
  cmd->add_flag("--yes", a->yes, "confirm --fresh");
  cmd->add_flag("--wait", a->wait,
                "wait for another sweep or merge writing the same store, instead of exiting");
  cmd->footer("\nResuming is the default: completed configurations are skipped.");
  return [a] { return sweep_command(*a); };
}

}  // namespace gb::cli
