// greenbatch sweep / export / merge: a declarative experiment, run configuration by configuration
// into a crash-safe store, resumable by rerunning the same command; shards for clusters.
#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <map>

#include "batching/policy.h"
#include "commands.h"
#include "common/errors.h"
#include "common/parse.h"
#include "energy/meters.h"
#include "experiment/session.h"
#include "inference/image_set.h"
#include "inference/model_executor.h"
#include "models/classifier.h"
#include "profiles.h"
#include "results/aggregate.h"
#include "results/experiment_file.h"
#include "results/machine.h"
#include "results/result_folder.h"
#include "results/result_store.h"
#include "terminal.h"
#include "workload/arrivals.h"

namespace gb::cli {
namespace fs = std::filesystem;
namespace {

void on_interrupt(int) {
  static const char msg[] =
      "\ngreenbatch: interrupted; completed configurations are saved, the one in progress is "
      "discarded. Rerun the same command to resume.\n";
  ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)ignored;
  _exit(130);
}

std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw UsageError("--shard must look like i/N, e.g. 0/4");
  const int64_t i = parse_int(text.substr(0, slash), "--shard index");
  const int64_t n = parse_int(text.substr(slash + 1), "--shard count");
  if (n < 1 || i < 0 || i >= n) throw UsageError("--shard " + text + ": need 0 <= i < N");
  return {static_cast<std::size_t>(i), static_cast<std::size_t>(n)};
}

std::string fmt_eta(double seconds) {
  if (seconds < 90) return fmt::format("{:.0f}s", seconds);
  if (seconds < 5400) return fmt::format("{:.0f}min", seconds / 60);
  return fmt::format("{:.1f}h", seconds / 3600);
}

// Nominal length of a configuration: its arrival span (what dominates on a paced stream).
double nominal_seconds(const RunSpec& s) {
  if (s.arrival == "offline") return 1.0;
  const ArrivalSpec a = parse_arrival(s.arrival, s.rate_hz);
  if (a.kind == ArrivalSpec::Kind::kTrace) {
    return to_seconds(generate_schedule(a, s.requests, s.seed).back());
  }
  return static_cast<double>(s.requests) / a.rate_hz;
}

void validate(const std::vector<Configuration>& configs) {
  std::map<std::string, bool> seen;
  for (const Configuration& c : configs) {
    if (seen[c.spec.model]) continue;
    seen[c.spec.model] = true;
    if (c.spec.model != "noop" && !find_builtin(c.spec.model) &&
        !fs::is_regular_file(c.spec.model)) {
      make_classifier(c.spec.model, 0);  // throws the standard unknown-model message
    }
  }
  if (configs.empty()) return;
  const RunSpec& b = configs.front().spec;
  if (b.model != "noop" || seen.size() > 1) {
    parse_device(b.device);
    if (!b.images.empty()) ImageSet::from_folder(b.images);
  }
  open_meters(meter_options(b));
}

struct SweepArgs {
  std::string file;
  std::string out = "results";
  std::string shard;
  bool fresh = false;
  bool yes = false;
  std::vector<std::string> profiles;
};

int sweep_command(const SweepArgs& a) {
  const ExperimentFile experiment = load_experiment(a.file);
  std::vector<Configuration> configs = expand(experiment);
  attach_profiles(configs, a.profiles, false);
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
  validate(configs);
  fs::create_directories(a.out);
  ResultStore store((fs::path(a.out) / store_name).string(), experiment, a.fresh);
  store.add_machine(describe_machine(configs.empty() ? "/sys/class/powercap"
                                                     : configs.front().spec.powercap_root));
  const std::set<std::size_t> done = store.completed();
  std::vector<Configuration> todo;
  for (const Configuration& c : configs) {
    if (!done.count(c.index)) todo.push_back(c);
  }
  status(fmt::format("sweep '{}': {} configurations, {} already done, {} to run -> {}/{}",
                     experiment.name, configs.size(), configs.size() - todo.size(), todo.size(),
                     a.out, store_name));
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);

  double nominal_left = 0;
  for (const Configuration& c : todo) nominal_left += nominal_seconds(c.spec);
  double nominal_done = 0, actual_done = 0;
  const auto sweep_start = SteadyClock::now();
  std::size_t k = 0;
  for (const ModelGroup& g : group_by_model(todo)) {
    status(fmt::format("loading {} on {}", todo[g.begin].spec.model, todo[g.begin].spec.device));
    ExperimentSession session(todo[g.begin].spec, g.max_batch,
                              [](const std::string& m) { status("  " + m); });
    for (std::size_t j = g.begin; j < g.end; ++j) {
      const Configuration& c = todo[j];
      ++k;
      const double nominal = nominal_seconds(c.spec);
      const double pace = nominal_done > 0 ? actual_done / nominal_done : 1.0;
      const std::string label = fmt::format(
          "[{}/{}] {} {} {} {}", k, todo.size(), c.spec.model, c.spec.policy, c.spec.arrival,
          arrival_needs_rate(c.spec.arrival) ? fmt::format("{:g}/s", c.spec.rate_hz) : "");
      if (!stderr_is_tty()) status("  " + label);
      const auto t0 = SteadyClock::now();
      RunOutcome outcome = session.run(c.spec, [&](std::size_t n, std::size_t total, double sec) {
        const double config_eta = std::max(0.0, nominal * pace - sec);
        show_progress(fmt::format("  {}  {}/{}  config ETA {}  sweep ETA {}", label, n, total,
                                  fmt_eta(config_eta),
                                  fmt_eta(config_eta + (nominal_left - nominal) * pace)));
      });
      finish_progress();
      outcome.summary.run_id = fmt::format("config-{}", c.index);
      if (!outcome.summary.complete) {
        // Not stored as done (a resumed sweep reruns it); what was measured goes to a folder.
        const std::string partial = (fs::path(a.out) / "incomplete").string();
        ResultFolder(partial).append(outcome.summary, outcome.trace, outcome.samples,
                                     session.domains());
        throw RunError(
            fmt::format("{} {}: {}; the partial run is in {} (complete=false), and "
                        "rerunning the sweep repeats it",
                        c.spec.model, c.spec.policy, outcome.summary.incomplete_reason, partial));
      }
      store.save(c, outcome.summary, outcome.trace, outcome.samples, session.domains());
      nominal_done += nominal;
      nominal_left -= nominal;
      actual_done += to_seconds(SteadyClock::now() - t0);
    }
  }
  status(fmt::format("sweep '{}' complete: {} configurations in {}, {:.0f} s this session",
                     experiment.name, configs.size(), a.out,
                     to_seconds(SteadyClock::now() - sweep_start)));
  return 0;
}

// A folder means every results*.sqlite in it; a file is taken as is.
std::vector<std::string> stores_in(const std::string& path) {
  if (!fs::is_directory(path)) return {path};
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(path)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("results", 0) == 0 && e.path().extension() == ".sqlite") {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) throw UsageError("no results*.sqlite in '" + path + "'");
  return out;
}

}  // namespace

Command register_sweep(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run every configuration of an experiment file; rerun the same command to resume");
  cmd->add_option("file", a->file, "experiment file (TOML), e.g. configs/quick.toml")->required();
  cmd->add_option("--out,-o", a->out, "result folder (DIR/results.sqlite)")->capture_default_str();
  cmd->add_option("--shard", a->shard, "run only configurations with index = i mod N, e.g. 0/4");
  cmd->add_option("--profile,-p", a->profiles,
                  "profile of a model (greenbatch profile), for its slo:T and offline:T policies");
  cmd->add_flag("--fresh", a->fresh, "discard stored results and start over (needs --yes)");
  cmd->add_flag("--yes", a->yes, "confirm --fresh");
  cmd->footer("\nResuming is the default: completed configurations are skipped.");
  return [a] { return sweep_command(*a); };
}

Command register_export(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto csv = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write one CSV row per configuration (the paper's columns first) from a sweep");
  cmd->add_option("dir", *dir, "sweep result folder or .sqlite file")->required();
  cmd->add_option("--csv", *csv, "output CSV file")->required();
  return [dir, csv] {
    std::vector<StoredRun> runs;
    for (const std::string& path : stores_in(*dir)) {
      const auto part = ResultStore(path).runs();
      runs.insert(runs.end(), part.begin(), part.end());
    }
    const auto rows = aggregate_configurations(runs);
    write_csv(*csv, rows);
    status(fmt::format("{} configurations ({} runs) -> {}", rows.size(), runs.size(), *csv));
    return 0;
  };
}

Command register_merge(CLI::App& app) {
  auto out = std::make_shared<std::string>();
  auto inputs = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Join the stores of sharded sweeps (of the same experiment file) into one");
  cmd->add_option("out", *out, "output folder (OUT/results.sqlite)")->required();
  cmd->add_option("inputs", *inputs, "shard result folders or .sqlite files")->required();
  return [out, inputs] {
    std::vector<std::string> files;
    for (const std::string& in : *inputs) {
      for (const std::string& f : stores_in(in)) files.push_back(f);
    }
    fs::create_directories(*out);
    const std::string target = (fs::path(*out) / "results.sqlite").string();
    ResultStore::merge(target, files);
    status(fmt::format("merged {} stores -> {} ({} configurations)", files.size(), target,
                       ResultStore(target).completed().size()));
    return 0;
  };
}

}  // namespace gb::cli
