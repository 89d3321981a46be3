// The `run` command's grid: one model and one arrival, rates x policies, expanded by the same
// rule as an experiment file (results/experiment_file.h's expand), so the order and the canonical
// policies agree with a sweep of the same grid.
//
// Contract of expand_run_grid:
// - The arrival is parsed once per rate; a UsageError names the problem.
// - `base.requests` == 0 means: a trace's length for a trace arrival, kDefaultRunRequests
//   otherwise. (A trace shorter than the requests asked for is preflight()'s to refuse, before
//   any model is loaded.)
// - Policies that need a profile's costs (slo:T, offline:T) are built against `base.profile`
//   here, so a missing or mismatched profile is refused before anything runs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "results/experiment_file.h"

namespace gb {

inline constexpr std::size_t kDefaultRunRequests = 512;

struct RunGrid {
  RunSpec base;  // everything but arrival, rate and policy
  std::string arrival = "paper";
  std::vector<double> rates;
  std::vector<std::string> policies;
  // --power-limit and --gpu-clocks as written (empty: the GPU as it is); their product is the
  // grid's GPU dimension.
  std::vector<std::string> power_limits, gpu_clocks;
};

std::vector<Configuration> expand_run_grid(const RunGrid& grid);

}  // namespace gb
