// The text a measuring command prints on stdout when it is done: the results table of `run`, the
// predictions of `simulate`, the scores of `validate` and the recommendations of `report`. Pure:
// figures in, text out, so the commands only print and the wording is tested without running
// anything.
#pragma once

#include <string>
#include <vector>

#include "report/lever_analysis.h"
#include "report/recommend.h"
#include "results/experiment_file.h"
#include "results/summary.h"
#include "sim/validation.h"

namespace gb {

// `run`'s table of complete runs (all of one model, device and arrival), its energy method, the
// idle baseline, and where the results are. "" for no runs.
std::string run_results_text(const std::vector<RunSummary>& results, const std::string& out_dir);
// The same runs for scripts: a JSON array of their summary rows (results/summary.h's columns).
std::string run_results_json(const std::vector<RunSummary>& results);

// `simulate`'s table: one row per simulated configuration.
std::string simulated_results_text(const std::vector<RunSummary>& runs);

// `report`'s recommendations table: per model and rate the combination chosen (the policy, and
// the levers' values where they were swept), its figures, and its savings.
std::string recommendations_text(const std::vector<Recommendation>& recommendations);
// `report`'s lever table (report/lever_analysis.h): per workload that sweeps a lever, the default
// configuration, each dimension's best alone with its saving, and all combined. "" when none.
std::string lever_savings_text(const std::vector<LeverSavings>& savings);

struct ValidationText {
  std::size_t repetitions = 1;
  std::size_t draws = 20;
  bool mean_service = false;
  bool adjust_speed = false;
  double energy_target_pct = 10, latency_target_pct = 15;
  std::string energy_method;  // of the real runs (ValidationSink::energy_methods())
};
// `validate`'s table and summary: pairs[c] are the real runs of configuration c (configs[c *
// repetitions] names it) with their predictions.
std::string validation_text(const std::vector<Configuration>& configs,
                            const std::vector<std::vector<ValidationPair>>& pairs,
                            const ValidationText& options);

}  // namespace gb
