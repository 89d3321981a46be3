// Every lever alike in the report: the dimensions a workload's configurations vary in (the
// batching policy and each lever of results/levers.h with two or more values), what each saves
// alone and all together against the default configuration, and the Pareto front of each lever
// value. Pure, like the rest of the analysis (report/analysis.h).
//
// Definitions (docs/report.md, "Levers"):
// - A workload is a model at a device, arrival and rate, as for recommendations.
// - The default configuration of a workload: every lever at its baseline (results/levers.h: eager,
//   fp32; for a lever whose baseline is not among the values measured, such as threads, whose
//   default is "what the machine gives", the largest number measured, else the first value met)
//   under the greedy baseline (recommend.h: greedy:128 where measured).
// - A dimension's saving alone: the least energy per image within the budget among the
//   configurations that differ from the default in that dimension only (the default itself
//   included), as a fraction of the default's energy per image. Combined: the recommendation,
//   every dimension free.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/points.h"
#include "report/recommend.h"

namespace gb {

// Dimension 0 is the batching policy, dimension 1 + i the i-th lever of levers().
std::size_t dimension_count();
std::string dimension_name(std::size_t d);
// The value of dimension `d` of `p` (a lever's baseline where `p` lacks it).
std::string dimension_value(const ConfigPoint& p, std::size_t d);
// How the report writes a value ("fixed:16", "optimized", "2 threads").
std::string describe_value(std::size_t d, const std::string& value);

// The levers (dimensions >= 1) whose value varies among `points`, in levers() order.
std::vector<std::size_t> swept_levers(const std::vector<ConfigPoint>& points);

// Each lever's default among `points` (the rule above), in levers() order.
std::vector<std::string> default_levers(const std::vector<ConfigPoint>& points);
// Whether every lever of `p` is at `defaults`, the dimension `except` (when given) excepted.
bool at_default_levers(const ConfigPoint& p, const std::vector<std::string>& defaults,
                       std::size_t except = 0);

// "fixed:16, optimized, bf16": the policy and the values of `swept` dimensions.
std::string combination(const ConfigPoint& p, const std::vector<std::size_t>& swept);

struct DimensionSaving {
  std::size_t dimension = 0;
  std::optional<ConfigPoint> best;  // none: no such configuration meets the budget
  std::optional<double> saving;     // 1 - best / default energy per image
};

// One workload's row of the savings table.
struct LeverSavings {
  std::string model, rate_label;
  std::vector<std::size_t> swept;       // the levers its configurations vary in
  std::optional<ConfigPoint> baseline;  // the default configuration; none when not measured
  bool baseline_within_slo = false;
  std::vector<DimensionSaving> alone;   // the policy, then each swept lever
  std::optional<ConfigPoint> combined;  // the recommendation
  std::optional<double> combined_saving;
};

// One row per recommendation (same order), for the workloads with at least one lever swept;
// empty when no workload sweeps a lever.
std::vector<LeverSavings> lever_savings(const std::vector<ConfigPoint>& points,
                                        const std::vector<Recommendation>& recommendations,
                                        double slo_s);

// The Pareto front (report/pareto.h) of one lever value of a model at one rate: the
// configurations with that value, every other dimension free.
struct LeverFront {
  std::string model;
  std::optional<double> rate_hz;
  std::size_t dimension = 0;
  std::string value;
  std::vector<ConfigPoint> points;  // cheapest first
};

// For every model (in `models` order), rate, swept lever and value (in order of appearance).
std::vector<LeverFront> lever_fronts(const std::vector<ConfigPoint>& points,
                                     const std::vector<std::string>& models);

}  // namespace gb
