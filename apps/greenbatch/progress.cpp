#include "progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "experiment/preflight.h"
#include "experiment/sinks.h"
#include "report/console.h"
#include "results/levers.h"
#include "results/machine.h"
#include "terminal.h"
#include "workload/arrivals.h"

namespace gb::cli {
namespace {

// What the callbacks share: the nominal work left and how the machine keeps pace with it.
struct Pace {
  std::size_t repetitions = 1;
  double nominal_left = 0, nominal_done = 0, actual_done = 0;
  double factor() const { return nominal_done > 0 ? actual_done / nominal_done : 1.0; }
  std::string label;
  double nominal = 0;  // of the configuration running
};

}  // namespace

std::string rate_label(const RunSpec& spec) {
  return spec.arrival.needs_rate() ? fmt::format("{:g}/s", spec.rate_hz) : spec.arrival.name();
}

double nominal_seconds(const RunSpec& s) {
  if (!s.arrival.needs_rate()) {
    if (s.arrival.kind != ArrivalSpec::Kind::kTrace) return 1.0;
    return to_seconds(generate_schedule(s.arrival, s.requests, s.seed).back());
  }
  return static_cast<double>(s.requests) / s.rate_hz;
}

std::string sweep_plan_text(const std::string& name, const std::vector<Configuration>& configs,
                            const std::set<std::string>& stored, bool dry_run, bool json,
                            const std::vector<double>& predicted) {
  std::set<std::string> groups;
  std::size_t repetitions = 0, requests = 0, todo = 0, known = 0, longer = 0;
  double nominal = 0, expected = 0;  // the arrivals' span; with the predictions where known
  std::vector<std::pair<std::string, std::size_t>> per_model;  // in run order
  for (std::size_t i = 0; i < configs.size(); ++i) {
    const Configuration& c = configs[i];
    groups.insert(c.group_id);
    repetitions = std::max(repetitions, c.repetition + 1);
    if (per_model.empty() || per_model.back().first != c.spec.model.name) {
      per_model.emplace_back(c.spec.model.name, 0);
    }
    ++per_model.back().second;
    if (stored.count(c.id)) continue;
    ++todo;
    requests += c.spec.requests;
    const double span = nominal_seconds(c.spec);
    nominal += span;
    const double p = i < predicted.size() ? predicted[i] : std::nan("");
    known += std::isfinite(p);
    longer += std::isfinite(p) && p > 1.1 * span;
    expected += std::isfinite(p) ? std::max(p, span) : span;
  }
  if (json) {
    nlohmann::ordered_json plan = {{"experiment", name},
                                   {"configurations", groups.size()},
                                   {"repetitions", repetitions},
                                   {"runs", configs.size()},
                                   {"stored", configs.size() - todo},
                                   {"to_run", todo},
                                   {"requests_to_run", requests},
                                   {"arrival_span_s", nominal},
                                   {"predicted_runs", known},
                                   {"expected_s", expected},
                                   {"runs_per_model", nlohmann::ordered_json::array()}};
    for (const auto& [model, runs] : per_model) {
      plan["runs_per_model"].push_back({{"model", model}, {"runs", runs}});
    }
    return plan.dump(2) + "\n";
  }
  std::string models;
  for (const auto& [model, runs] : per_model) {
    models += fmt::format("{}{} ({} runs)", models.empty() ? "" : ", ", model, runs);
  }
  // A model is loaded once per session: per combination of engine, precision and threads (a
  // GPU setting is applied within one).
  const std::size_t sessions = group_by_session(configs).size();
  const std::string loading =
      sessions > per_model.size()
          ? fmt::format("models, loaded {} times (once per engine, precision and thread count)",
                        sessions)
          : std::string("models, each loaded once");
  const std::string time =
      known == 0 ? fmt::format("the arrivals to run span {}", duration_words(nominal))
                 : fmt::format(
                       "about {} by the profiles ({} of {} runs predicted, {} of them overloaded "
                       "and longer than their arrivals' {})",
                       duration_words(expected), known, todo, longer, duration_words(nominal));
  return fmt::format(
      "sweep '{}'{}: {} configurations x {} repetition{} = {} runs; {} already done, {} to run "
      "({} requests)\n  {}: {}\n  time: {}, plus each model's loading, warm-up and idle "
      "baseline\n{}",
      name, dry_run ? " (dry run)" : "", groups.size(), repetitions, repetitions == 1 ? "" : "s",
      configs.size(), configs.size() - todo, todo, requests, loading, models, time,
      dry_run ? "nothing was run or written (--dry-run)\n" : "");
}

CampaignOptions progress_options(const std::vector<Configuration>& configs, bool rounds,
                                 Nanos cooldown, std::vector<RunSummary>* results) {
  auto pace = std::make_shared<Pace>();
  for (const Configuration& c : configs) {
    pace->nominal_left += nominal_seconds(c.spec);
    pace->repetitions = std::max(pace->repetitions, c.repetition + 1);
  }
  CampaignOptions o;
  o.rounds = rounds;
  o.cooldown = cooldown;
  o.log = [](const std::string& m) { status(m); };
  o.on_start = [pace](std::size_t k, std::size_t total, const Configuration& c) {
    pace->nominal = nominal_seconds(c.spec);
    const std::string stream = c.spec.arrival.needs_rate()
                                   ? c.spec.arrival.name() + " " + rate_label(c.spec)
                                   : c.spec.arrival.name();
    const std::string levers = describe_levers(c.spec);
    pace->label =
        fmt::format("[{}/{}] {} {} {}{}", k, total, c.spec.model.name, c.spec.policy.canonical(),
                    stream, levers.empty() ? "" : " (" + levers + ")");
    if (pace->repetitions > 1) {
      pace->label += fmt::format(", rep {}/{}", c.repetition + 1, pace->repetitions);
    }
    if (!stderr_is_tty()) status("  " + pace->label + " ...");
  };
  o.on_progress = [pace](const Configuration&, std::size_t done, std::size_t total, double sec) {
    const double nominal = pace->nominal;
    const double left = std::max(0.0, nominal * pace->factor() - sec);
    show_progress(
        fmt::format("  {}  {}/{} requests  {:.1f}s  ETA {}", pace->label, done, total, sec,
                    duration_words(left + (pace->nominal_left - nominal) * pace->factor())));
  };
  o.on_done = [pace, results](const Configuration&, const RunSummary& run, double seconds) {
    finish_progress();
    const double nominal = pace->nominal;
    pace->nominal_done += nominal;
    pace->nominal_left -= nominal;
    pace->actual_done += seconds;
    const double left = pace->nominal_left * pace->factor();
    status(fmt::format("  {}: {}  ({}{})", pace->label, run_result_line(run),
                       duration_words(seconds),
                       pace->nominal_left > 0 ? ", ETA " + duration_words(left) : ""));
    if (results) results->push_back(run);
  };
  return o;
}

int run_into_folder(const std::vector<Configuration>& configs, const std::string& out, bool traces,
                    bool json, const CampaignOptions& campaign) {
  preflight(configs);
  ResultFolder folder(out);
  folder.add_machine(describe_machine(configs.front().spec.powercap_root));
  FolderSink sink(folder, traces);
  on_interrupt_say("finished runs are in " + out + "/ (summary.csv); the last is discarded");
  run_campaign(configs, sink, campaign);
  const auto& runs = sink.summaries();
  std::fputs((json ? run_results_json(runs) : run_results_text(runs, out)).c_str(), stdout);
  return 0;
}

}  // namespace gb::cli
