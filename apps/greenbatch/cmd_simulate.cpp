// greenbatch simulate: a whole experiment file predicted from profiles in virtual time.
// greenbatch validate: each configuration run for real and simulated, with the errors.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "commands.h"
#include "common/errors.h"
#include "experiment/campaign.h"
#include "experiment/preflight.h"
#include "experiment/sinks.h"
#include "progress.h"
#include "results/attach_profiles.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "sim/simulator.h"
#include "sim/validation.h"
#include "terminal.h"
#include "workload/arrivals.h"

namespace gb::cli {
namespace {

namespace fs = std::filesystem;

struct SimulateArgs {
  std::string file;
  std::vector<std::string> profiles;
  std::string out = "results-simulated";
  bool mean_service = false;
};

int simulate_command(SimulateArgs& a) {
  const ExperimentFile experiment = load_experiment(a.file);
  std::vector<Configuration> configs = expand(experiment);
  const auto profiles = gb::attach_profiles(configs, a.profiles, true);

  const fs::path store_path = fs::path(a.out) / "results.sqlite";
  if (fs::exists(store_path)) {
    ResultStore existing(store_path.string());
    for (const StoredRun& r : existing.runs()) {
      if (!r.summary.value("simulated", false)) {
        throw UsageError("'" + store_path.string() +
                         "' holds measured runs; simulate into another --out folder");
      }
    }
  }
  fs::create_directories(a.out);
  // Simulations are recomputed in a second: always start fresh, without per-save fsyncs.
  ResultStore store(store_path.string(), experiment, true);
  store.set_durable(false);
  for (const auto& [model, p] : profiles) {
    if (!p.machine.empty()) store.add_machine(p.machine);
  }

  const auto t0 = SteadyClock::now();
  std::vector<SimulatedRun> runs;
  runs.reserve(configs.size());
  std::size_t requests = 0;
  for (const Configuration& c : configs) {
    runs.push_back(simulate_run(c.spec, profiles.at(c.spec.model), a.mean_service));
    runs.back().summary.run_id = fmt::format("config-{}", c.index);
    requests += c.spec.requests;
  }
  const double simulated_s = to_seconds(SteadyClock::now() - t0);
  // Summaries only: a simulated trace is recomputed exactly by rerunning the simulation.
  for (std::size_t i = 0; i < configs.size(); ++i) {
    store.save(configs[i], runs[i].summary, RunTrace{}, {}, {"simulated"});
  }
  const double total_s = to_seconds(SteadyClock::now() - t0);

  Table t;
  t.header = {"model",          "arrival",  "rate/s",   "policy",
              "energy/img (J)", "p99 (ms)", "max (ms)", "mean batch"};
  t.numeric = {false, false, true, false, true, true, true, true};
  for (const SimulatedRun& r : runs) {
    const RunSummary& s = r.summary;
    t.rows.push_back(
        {s.spec.model, s.spec.arrival,
         arrival_needs_rate(s.spec.arrival) ? fmt::format("{:g}", s.spec.rate_hz) : "-", s.policy,
         fmt::format("{:.4g}", s.energy_per_image_j()),
         fmt::format("{:.1f}", s.response_s.p99 * 1e3),
         fmt::format("{:.1f}", s.response_s.max * 1e3), fmt::format("{:.1f}", s.mean_batch_size)});
  }
  std::fputs(t.render().c_str(), stdout);
  std::fputs(
      fmt::format("\nsimulated {} configurations ({} requests) in {:.0f} ms; with writing "
                  "{:.0f} ms -> {}\nenergy method: estimate (predicted from profiles, NOT "
                  "measured); service times {}\n",
                  configs.size(), requests, simulated_s * 1e3, total_s * 1e3, store_path.string(),
                  a.mean_service ? "at the profile's means" : "drawn from the profile")
          .c_str(),
      stdout);
  return 0;
}

struct ValidateArgs {
  std::string file;
  std::vector<std::string> profiles;
  bool mean_service = false;
  bool adjust_speed = false;
  std::size_t draws = 20;
  std::size_t repetitions = 3;
  std::string csv;
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
  std::vector<Configuration> configs = expand(experiment);
  const auto profiles = gb::attach_profiles(configs, a.profiles, true);
  preflight(configs);
  ValidationSink sink(profiles, configs.size(),
                      {a.repetitions, a.draws, a.mean_service, a.adjust_speed, a.csv});
  run_campaign(configs, sink, progress_options(configs, /*rounds=*/true));
  const auto& pairs = sink.pairs();
  const std::size_t reps = a.repetitions;

  Table t;
  t.header = {"model", "arrival", "rate/s",        "policy", "speed", "energy/img real",
              "sim",   "err",     "p99 real (ms)", "sim",    "err",   "max real (ms)",
              "sim",   "err",     "spread (max)"};
  t.numeric = {false, false, true, false, true, true, true, true,
               true,  true,  true, true,  true, true, true};
  double slowest = 0, fastest = INFINITY;  // over every run
  ValidationFigures worst_error, worst_spread;
  std::size_t within = 0;
  for (std::size_t c = 0; c < pairs.size(); ++c) {
    const RunSpec& spec = configs[c * reps].spec;
    const ValidationScore v = score_repetitions(pairs[c]);
    for (const ValidationPair& p : pairs[c]) {
      slowest = std::max(slowest, p.speed);
      fastest = std::min(fastest, p.speed);
    }
    for (double ValidationFigures::*f : kValidationFigures) {
      worst_error.*f = std::max(worst_error.*f, std::fabs(v.error_pct.*f));
      worst_spread.*f = std::max(worst_spread.*f, v.spread_pct.*f);
    }
    within += v.within(a.energy_target, a.latency_target);
    t.rows.push_back(
        {spec.model, spec.arrival,
         arrival_needs_rate(spec.arrival) ? fmt::format("{:g}", spec.rate_hz) : "-", spec.policy,
         fmt::format("{:.2f}", v.speed), fmt::format("{:.4g}", v.real.energy_per_image_j),
         fmt::format("{:.4g}", v.simulated.energy_per_image_j),
         fmt::format("{:+.1f} %", v.error_pct.energy_per_image_j),
         fmt::format("{:.1f}", v.real.p99_s * 1e3), fmt::format("{:.1f}", v.simulated.p99_s * 1e3),
         fmt::format("{:+.1f} %", v.error_pct.p99_s), fmt::format("{:.1f}", v.real.max_s * 1e3),
         fmt::format("{:.1f}", v.simulated.max_s * 1e3),
         fmt::format("{:+.1f} %", v.error_pct.max_s),
         reps > 1 ? fmt::format("{:.0f} %", v.spread_pct.max_s) : "-"});
  }
  // With one run there is no spread to report, and 0 % would read as runs that agreed.
  const std::string spread_line =
      reps == 1 ? ""
                : fmt::format(
                      "real runs' own spread ((max - min) / median): energy/img up to {:.0f} %, "
                      "p99 {:.0f} %, max {:.0f} %\n",
                      worst_spread.energy_per_image_j, worst_spread.p99_s, worst_spread.max_s);
  std::fputs("\n", stdout);
  std::fputs(t.render().c_str(), stdout);
  std::fputs(
      fmt::format(
          "\nworst |error|: energy/img {:.1f} % (target {:g} %), p99 {:.1f} %, max {:.1f} % "
          "(target {:g} %); {}/{} configurations within all targets\n"
          "{} real run{} per configuration, each simulated with its own seed{}; errors "
          "(simulated - real) / real{}\n"
          "{}"
          "simulated: {}{}; real energy method: {}\n"
          "speed: the real run's service times over the profile's means for its batches "
          "({:.2f}..{:.2f} here){}\n",
          worst_error.energy_per_image_j, a.energy_target, worst_error.p99_s, worst_error.max_s,
          a.latency_target, within, pairs.size(), reps, reps == 1 ? "" : "s",
          a.adjust_speed ? " and speed" : "", reps == 1 ? "" : " of the medians over them",
          spread_line,
          a.mean_service ? "at the profiles' mean service times"
                         : fmt::format("medians over {} service-time draws", a.draws),
          a.adjust_speed ? ", service times and dynamic energy scaled by each run's speed" : "",
          profiles.begin()->second.energy_method, fastest, slowest,
          a.adjust_speed || (slowest < 1.1 && fastest > 0.9)
              ? ""
              : "; the machine ran at another speed than when profiled: --adjust-speed "
                "separates that drift from the simulator's error")
          .c_str(),
      stdout);
  if (!a.csv.empty()) status(fmt::format("{} runs -> {}", configs.size(), a.csv));
  return 0;
}

}  // namespace

Command register_simulate(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Predict an experiment file from profiles in virtual time (about a second)");
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

Command register_validate(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Run each configuration for real and simulated, and print the errors");
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
