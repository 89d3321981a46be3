// The report's analysis: from the aggregated configurations (`greenbatch export`'s rows) to the
// plain figures the page and the plots show — points, model order, Pareto fronts, the paper's
// Table I and the recommendations. Pure: no files, no formatting into HTML or gnuplot, so each
// result can be checked on constructed data and every renderer shows the same numbers.
//
// Contract: everything is derived from `points` alone, in a deterministic order (models in
// publication-year order, then others as they appear; rates ascending, offline last).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "energy/energy_method.h"
#include "report/lever_analysis.h"
#include "report/points.h"
#include "report/recommend.h"

namespace gb {

// The Pareto front of one model at one rate (report/pareto.h), cheapest first.
struct ParetoFront {
  std::string model;
  std::optional<double> rate_hz;  // none for offline
  std::vector<ConfigPoint> points;
};

// One half of a Table I row: the configurations of a model with the smaller (or larger) mean
// batch sizes.
struct BatchGroup {
  double batch_lo = 0, batch_hi = 0;   // the group's smallest and largest mean batch size
  std::optional<double> peak_power_w;  // mean over those that recorded a peak
  double average_power_w = 0;          // mean over all of them
};

// Table I: a model's configurations split at the median of their mean batch sizes (the upper
// half holds the middle one when their number is odd). Only models with two or more.
struct PeakPowerRow {
  std::string model;
  BatchGroup small, large;
};

struct ReportAnalysis {
  std::vector<ConfigPoint> points;
  std::vector<std::string> models;  // publication-year order, then others
  std::vector<Recommendation> recommendations;
  // Where a lever was swept (report/lever_analysis.h): each lever's saving, and its fronts.
  std::vector<LeverSavings> lever_savings;
  std::vector<LeverFront> lever_fronts;
  std::vector<ParetoFront> fronts;  // per model (in `models` order), then per rate
  std::vector<PeakPowerRow> peak_power;
  // Some energy is not a measurement: an estimate (the CPU-utilisation model), or a method this
  // version does not know, which is treated alike (energy/energy_method.h).
  bool estimated_energy = false;
  bool simulated = false;  // some configurations were predicted, not run
  // Configurations whose capacity fell under 90 % of the offered rate (results/summary.h): their
  // response times measure a backlog.
  std::size_t overloaded = 0;
};

// The energy methods of `points`, parsed from their rows' labels: the one place report/ turns a
// method's text into methods. A label that names no known method is kept as written and counts
// as an estimate.
EnergyMethods parse_methods(const std::vector<ConfigPoint>& points);

// REQUIRES: slo_s > 0.
ReportAnalysis analyse(const std::vector<nlohmann::ordered_json>& rows, double slo_s);

// The built-in models present, in publication-year order (their table's), then the others in the
// order they first appear.
std::vector<std::string> model_order(const std::vector<ConfigPoint>& points);

// The rates of `points`, each once, ascending, offline last.
std::vector<std::optional<double>> rates_of(const std::vector<ConfigPoint>& points);

// Mean energy per image of a model's configurations (at one rate when `rate` is given).
std::optional<double> mean_energy(const std::vector<ConfigPoint>& points, const std::string& model,
                                  std::optional<double> rate = std::nullopt);

// The configurations of each model (in `models` order) at each of its rates (rates_of's order).
struct ModelAtRate {
  std::string model;
  std::optional<double> rate_hz;
  std::vector<ConfigPoint> points;
};
std::vector<ModelAtRate> by_model_and_rate(const std::vector<ConfigPoint>& points,
                                           const std::vector<std::string>& models);

std::vector<ParetoFront> pareto_fronts(const std::vector<ConfigPoint>& points,
                                       const std::vector<std::string>& models);

std::vector<PeakPowerRow> peak_power_rows(const std::vector<ConfigPoint>& points,
                                          const std::vector<std::string>& models);

}  // namespace gb
