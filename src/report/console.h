// The text a measuring command prints on stdout when it is done: the results table of `run`, the
// profile of `profile`, the predictions of `simulate`, the scores of `validate` and the
// recommendations of `report`. Pure: figures in, text out, so the commands only print and the
// wording is tested without running anything. Tables are fitted to `width` columns
// (common/text_table.h: secondary columns left out, named in a last line).
#pragma once

#include <string>
#include <vector>

#include "common/text_table.h"
#include "profile/profile.h"
#include "report/lever_analysis.h"
#include "report/recommend.h"
#include "results/experiment_file.h"
#include "results/summary.h"
#include "sim/validation.h"

namespace gb {

// `run`'s table of complete runs (all of one model, device and arrival), its energy method, the
// idle baseline, and where the results are. "" for no runs.
std::string run_results_text(const std::vector<RunSummary>& results, const std::string& out_dir,
                             std::size_t width = kTerminalWidth);
// The same runs for scripts: a JSON array of their summary rows (results/summary.h's columns).
std::string run_results_json(const std::vector<RunSummary>& results);

// `profile`'s table: one row per batch size, then the precision the windows give.
std::string profile_text(const ServiceProfile& profile, const std::string& path,
                         std::size_t width = kTerminalWidth);

// "45 s", "5.4 min", "2.1 h": a duration estimate as people read one.
std::string duration_words(double seconds);

// `simulate`'s table: one row per simulated configuration.
std::string configurations_text(const std::vector<RunSummary>& runs,
                                std::size_t width = kTerminalWidth);

// The end of a sweep: how many runs the store holds, how many ran this session (`results`, in
// `seconds`), their table, and where the rest is.
std::string sweep_done_text(const std::string& name, std::size_t runs, const std::string& out_dir,
                            const std::string& store_name, const std::vector<RunSummary>& results,
                            double seconds, std::size_t width = kTerminalWidth);

// `report`'s table of recommendations: per workload the least energy per image within `budget`
// (as the user wrote it) over every dimension swept — the policy, and the levers' values where
// they vary — and its saving against greedy and against no batching.
std::string recommendations_text(const std::vector<Recommendation>& recommendations,
                                 const std::string& budget, std::size_t width = kTerminalWidth);
// `report`'s lever table (report/lever_analysis.h): per workload that sweeps a lever, the default
// configuration, each dimension's best alone with its saving, and all combined. "" when none.
std::string lever_savings_text(const std::vector<LeverSavings>& savings,
                               std::size_t width = kTerminalWidth);

// One run's result in one short line: "0.52 J/img, p99 758 ms, max 788 ms !, 31.9/s".
std::string run_result_line(const RunSummary& run);

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
                            const ValidationText& options, std::size_t width = kTerminalWidth);

}  // namespace gb
