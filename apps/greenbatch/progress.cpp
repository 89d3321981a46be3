#include "progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "results/levers.h"
#include "terminal.h"
#include "workload/arrivals.h"

namespace gb::cli {
namespace {

std::string fmt_eta(double seconds) {
  if (seconds < 90) return fmt::format("{:.0f}s", seconds);
  if (seconds < 5400) return fmt::format("{:.0f}min", seconds / 60);
  return fmt::format("{:.1f}h", seconds / 3600);
}

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
                            const std::set<std::string>& stored, bool json) {
  std::set<std::string> groups;
  std::size_t repetitions = 0, requests = 0, todo = 0;
  double nominal = 0;
  std::vector<std::pair<std::string, std::size_t>> per_model;  // in run order
  for (const Configuration& c : configs) {
    groups.insert(c.group_id);
    repetitions = std::max(repetitions, c.repetition + 1);
    if (per_model.empty() || per_model.back().first != c.spec.model.name) {
      per_model.emplace_back(c.spec.model.name, 0);
    }
    ++per_model.back().second;
    if (stored.count(c.id)) continue;
    ++todo;
    requests += c.spec.requests;
    nominal += nominal_seconds(c.spec);
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
  // Each combination of lever values is a session of its own (the model loaded again).
  std::set<std::string> combinations;
  for (const Configuration& c : configs) combinations.insert(describe_levers(c.spec));
  if (combinations.size() > 1) {
    models += fmt::format(", in {} lever combinations each", combinations.size());
  }
  return fmt::format(
      "sweep '{}' (dry run): {} configurations x {} repetition{} = {} runs; {} stored already, {} "
      "to run ({} requests)\n  models, each loaded once: {}\n  the arrivals to run span {}, "
      "plus each model's loading, warm-up and idle baseline\nnothing was run or written "
      "(--dry-run)\n",
      name, groups.size(), repetitions, repetitions == 1 ? "" : "s", configs.size(),
      configs.size() - todo, todo, requests, models,
      nominal < 120    ? fmt::format("{:.0f} s", nominal)
      : nominal < 7200 ? fmt::format("{:.1f} min", nominal / 60)
                       : fmt::format("{:.1f} h", nominal / 3600));
}

CampaignOptions progress_options(const std::vector<Configuration>& configs, bool rounds,
                                 Nanos cooldown) {
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
    if (!stderr_is_tty()) status("  " + pace->label);
  };
  o.on_progress = [pace](const Configuration&, std::size_t done, std::size_t total, double sec) {
    const double nominal = pace->nominal;
    const double left = std::max(0.0, nominal * pace->factor() - sec);
    show_progress(fmt::format("  {}  {}/{} requests  {:.1f}s  ETA {}", pace->label, done, total,
                              sec,
                              fmt_eta(left + (pace->nominal_left - nominal) * pace->factor())));
  };
  o.on_done = [pace](const Configuration&, double seconds) {
    finish_progress();
    const double nominal = pace->nominal;
    pace->nominal_done += nominal;
    pace->nominal_left -= nominal;
    pace->actual_done += seconds;
  };
  return o;
}

}  // namespace gb::cli
