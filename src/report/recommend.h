// The paper's advice made precise: per model and workload (device, arrival, rate), among the
// configurations whose max AND p99 response time meet the latency budget (the SLO), recommend the
// one with the least energy per image; say how much it saves against greedy batching and against
// no batching (batches of one) where those were measured; "none meets the budget" otherwise.
//
// Figures are the means over repetitions (the confidence intervals are shown beside them, not used
// to decide). Ties in energy per image (relative difference <= 1e-9) go to the lower p99, then the
// lower max, then the smaller mean batch, then the policy name, so the choice is deterministic.
// Greedy baseline: greedy:128 when measured (the paper's greedy), else the greedy policy with the
// largest cap. Savings are fractions of the baseline's energy per image (0.25 = 25 % less).
// Where configurations set a GPU power limit or clocks, the baselines are taken at the GPU's
// default setting (when measured), and a recommendation under a setting also says what the same
// policy saves against itself at the default setting: the GPU setting's saving alone.
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
  std::optional<ConfigPoint> default_gpu;  // best's policy at the default GPU setting, when
                                           // best is under another and that was measured
  std::optional<double> saving_vs_default_gpu;
};

// One recommendation per workload, in the order the workloads first appear in `points`.
std::vector<Recommendation> recommend(const std::vector<ConfigPoint>& points, double slo_s);

// One line for the terminal and the report, e.g. "alexnet 32/s: fixed:16, 0.41 J/image, max
// 1.2 s, p99 1.1 s; saves 23 % vs greedy:128, 61 % vs fixed:1" (", 12 % vs fixed:16 at the
// default GPU setting" under a setting).
std::string describe(const Recommendation& r);

}  // namespace gb
