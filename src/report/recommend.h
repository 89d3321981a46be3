// The paper's advice made precise: per model and workload (device, arrival, rate), among the
// configurations whose max AND p99 response time meet the latency budget (the SLO), recommend the
// one with the least energy per image; say how much it saves against greedy batching and against
// no batching (batches of one) where those were measured; "none meets the budget" otherwise.
//
// Figures are the means over repetitions (the confidence intervals are shown beside them, not used
// to decide). Ties in energy per image (relative difference <= 1e-9) go to the lower p99, then the
// lower max, then the smaller mean batch, then the policy name, so the choice is deterministic.
// Greedy baseline: greedy:128 when measured (the paper's greedy), else the greedy policy with the
// largest cap; where levers vary (report/lever_analysis.h), the baselines are taken among the
// configurations with every lever at its default. Savings are fractions of the baseline's energy
// per image (0.25 = 25 % less).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/points.h"

namespace gb {

struct Recommendation {
  std::string model, device, arrival, rate_label;
  std::optional<double> rate_hz;
  std::optional<ConfigPoint> best;       // none: nothing meets the budget
  std::size_t candidates = 0;            // configurations of this workload
  std::size_t within_slo = 0;            // of which meet the budget
  std::optional<ConfigPoint> greedy;     // the greedy baseline, when measured
  std::optional<ConfigPoint> unbatched;  // batches of one, when measured
  std::optional<double> saving_vs_greedy;
  std::optional<double> saving_vs_unbatched;
  // The levers (report/lever_analysis.h dimensions) whose values vary among the candidates: the
  // best is chosen over them too, and is named with their values.
  std::vector<std::size_t> swept;
};

// "model|device|arrival|rate": the workload a configuration belongs to, which no lever chooses.
std::string workload_key(const ConfigPoint& p);
// The order recommend() ranks by, better first: less energy per image, then the tie rules above.
bool recommends_before(const ConfigPoint& a, const ConfigPoint& b);
// Whether `a` is preferred to `b` as the greedy baseline (greedy:128, then the larger cap).
// REQUIRES: both greedy().
bool better_greedy_baseline(const ConfigPoint& a, const ConfigPoint& b);

// One recommendation per workload, in the order the workloads first appear in `points`.
std::vector<Recommendation> recommend(const std::vector<ConfigPoint>& points, double slo_s);

// One line for the terminal and the report, e.g. "alexnet 32/s: fixed:16, 0.41 J/image, max
// 1.2 s, p99 1.1 s; saves 23 % vs greedy:128, 61 % vs fixed:1"; with levers swept the policy is
// followed by their values ("fixed:16, optimized, bf16").
std::string describe(const Recommendation& r);

}  // namespace gb
