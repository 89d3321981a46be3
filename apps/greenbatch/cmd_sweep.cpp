// greenbatch sweep: a declarative experiment, run configuration by configuration into a
// crash-safe store, resumable by rerunning the same command; shards for clusters.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <optional>

#include "cluster/shard_progress.h"
#include "commands.h"
#include "common/parse.h"
#include "experiment/campaign.h"
#include "experiment/load_session.h"
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
  bool fresh = false, yes = false, wait = false;
  bool dry_run = false, json = false;
  std::vector<std::string> profiles;
};

int sweep_command(const SweepArgs& a) {
  const ExperimentFile experiment = load_experiment(a.file);
  std::vector<Configuration> configs = expand(experiment);
  const auto profiles = attach_profiles(configs, a.profiles, false);
  std::string store_name = "results.sqlite";
  std::pair<std::size_t, std::size_t> part{0, 1};  // shard i of n
  if (!a.shard.empty()) {
    part = parse_shard(a.shard);
    configs = shard(configs, part.first, part.second);
    store_name = fmt::format("results-shard-{}-of-{}.sqlite", part.first, part.second);
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
  store.use_machine(describe_machine(experiment.base.powercap_root));
  const std::set<std::string> done = store.completed();
  std::vector<Configuration> todo;
  std::copy_if(configs.begin(), configs.end(), std::back_inserter(todo),
               [&](const Configuration& c) { return !done.count(c.id); });
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
  CampaignOptions options = progress_options(todo, false, experiment.cooldown, &results);
  LoadOptions load;  // where a target serves the model, greenbatch load drives it
  load.serve_log = (fs::path(a.out) / "serve.log").string();
  use_load_sessions(options, load, experiment.base.target);
  std::optional<ProgressFile> progress;  // for greenbatch slurm status
  const ShardProgress start_at{experiment.name, part.first, part.second,
                               configs.size() - todo.size(), configs.size()};
  if (!a.shard.empty()) progress.emplace(progress_path(store_path), start_at, options);
  run_campaign(todo, sink, options);
  if (progress) progress->finish();
  std::fputs(sweep_done_text(experiment.name, configs.size(), a.out, store_name, results,
                             to_seconds(SteadyClock::now() - start), output_width())
                 .c_str(),
             stdout);
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
  CLI::Option* fresh =
      cmd->add_flag("--fresh", a->fresh, "discard stored results and start over (needs --yes)");
  cmd->add_flag("--dry-run", a->dry_run, "print the plan (runs, requests, time) and exit");
  cmd->add_flag("--json", a->json, "with --dry-run: the plan as JSON");
  fresh->needs(cmd->add_flag("--yes", a->yes, "confirm --fresh: it deletes the stored runs"));
  cmd->add_flag("--wait", a->wait,
                "wait for another sweep or merge writing the same store, instead of exiting");
  cmd->footer("\nResuming is the default: completed configurations are skipped.");
  return [a] { return sweep_command(*a); };
}

}  // namespace gb::cli
