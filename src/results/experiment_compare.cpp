#include "results/experiment_compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "results/levers.h"

namespace gb {
namespace {

template <typename T>
std::string list_text(const std::vector<T>& v) {
  std::string out;
  for (const T& x : v) out += (out.empty() ? "" : ", ") + fmt::format("{}", x);
  return "[" + out + "]";
}

// The settings of a parsed experiment file, by their key in the file ([experiment]), the grid
// and repetitions excepted.
std::vector<std::pair<std::string, std::string>> settings(const ExperimentFile& f) {
  const RunSpec& b = f.base;
  std::vector<std::pair<std::string, std::string>> out = {
      {"experiment.name", f.name},
      {"experiment.requests", std::to_string(b.requests)},
      {"experiment.warmup_batches", std::to_string(b.warmup_batches)},
      {"experiment.warmup_batch_size", std::to_string(b.warmup_batch_size)},
      {"experiment.seed", std::to_string(b.seed)},
      {"experiment.device", b.device.text},
      {"experiment.meter", b.meter},
      {"experiment.idle_seconds", fmt::format("{}ns", b.idle_duration.count())},
      {"experiment.idle_settle_seconds", fmt::format("{}ns", b.idle_settle.count())},
      {"experiment.min_valid_requests", std::to_string(b.min_valid_requests)},
      {"experiment.min_valid_seconds",
       b.min_valid_duration ? fmt::format("{}ns", b.min_valid_duration->count()) : "auto"},
      {"experiment.cooldown", fmt::format("{}ns", f.cooldown.count())},
      {"experiment.sample_interval", fmt::format("{}ns", b.sample_interval.count())},
      {"experiment.images", b.images},
      {"experiment.weights", b.weights},
      {"experiment.shuffle", f.shuffle ? "true" : "false"},
      {"experiment.peak_threshold_w", fmt::format("{:.17g}", b.peak_threshold_w)}};
  for (const Lever& l : levers()) out.emplace_back("experiment." + std::string(l.name), l.get(b));
  return out;
}

// The first value of `was` that `now` lacks, as text; "" when none.
template <typename T>
std::string first_missing(const std::vector<T>& was, const std::vector<T>& now) {
  for (const T& x : was) {
    if (std::find(now.begin(), now.end(), x) == now.end()) return fmt::format("{}", x);
  }
  return "";
}

}  // namespace

Comparison compare_experiments(const std::string& stored_text, const std::string& stored_hash,
                               const ExperimentFile& given) {
  if (stored_hash == std::to_string(given.hash)) return {};
  ExperimentFile was, now;
  try {
    was = parse_experiment(stored_text, "the stored experiment file");
  } catch (const UsageError& e) {
    return {Comparison::kDifferent,
            std::string("its experiment file no longer parses: ") + e.what()};
  }
  now = given.text.empty() ? given : parse_experiment(given.text, given.name);
  const auto a = settings(was), b = settings(now);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].second != b[i].second) {
      return {Comparison::kDifferent,
              a[i].first + " is '" + a[i].second + "' there and '" + b[i].second + "' here"};
    }
  }
  std::set<std::string> ids;
  for (const Configuration& c : expand(now)) ids.insert(c.id);
  std::set<std::string> kept;  // a set: a grid from an older version may repeat a value
  bool lost = false;
  for (const Configuration& c : expand(was)) {
    if (ids.count(c.id)) {
      kept.insert(c.id);
    } else {
      lost = true;
    }
  }
  if (!lost) {
    if (kept.size() == ids.size()) return {};
    return {Comparison::kGrown, "", ids.size() - kept.size()};
  }
  // Say which key lost a value (the stored grid is not part of the given one).
  std::vector<std::pair<std::string, std::string>> missing = {
      {"grid.models", first_missing(was.models, now.models)},
      {"grid.arrival", first_missing(was.arrivals, now.arrivals)},
      {"grid.rates", first_missing(was.rates, now.rates)},
      {"grid.policies", first_missing(was.policies, now.policies)}};
  for (const Lever& l : levers()) {
    const std::string name(l.name);
    missing.emplace_back("grid." + std::string(l.grid_key),
                         first_missing(was.lever_grid[name], now.lever_grid[name]));
  }
  for (const auto& [key, value] : missing) {
    if (!value.empty()) {
      return {Comparison::kDifferent, key + " had " + value + ", which is no longer in it"};
    }
  }
  if (now.repetitions < was.repetitions) {
    return {Comparison::kDifferent, fmt::format("experiment.repetitions is {} there and {} here",
                                                was.repetitions, now.repetitions)};
  }
  return {Comparison::kDifferent, "grid: its configurations " + list_text(was.models) + " x " +
                                      list_text(was.arrivals) + " x " + list_text(was.rates) +
                                      " are not all in this one"};
}

}  // namespace gb
