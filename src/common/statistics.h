// Descriptive statistics shared by summaries, profiles, aggregation and validation: nearest-rank
// percentiles of a sample; for repetitions, the mean with the half-width of a two-sided 95 %
// confidence interval from Student's t distribution (a handful of values), and the median.
#pragma once

#include <optional>
#include <vector>

namespace gb {

struct Distribution {
  double mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
};

// Nearest-rank percentiles (the value at rank ceil(p * n)), as MLPerf LoadGen reports them; all
// zero for no values.
Distribution describe_distribution(std::vector<double> values);

struct MeanCi {
  double mean = 0;
  std::optional<double> ci95;  // half-width; none with fewer than two values
  std::size_t n = 0;
};

MeanCi mean_ci95(const std::vector<double>& values);
// Two-sided 97.5 % quantile of Student's t with `dof` degrees of freedom.
double t_quantile_975(std::size_t dof);
// The middle value (the mean of the two middle ones for an even count); NaN for none.
double median(std::vector<double> values);

}  // namespace gb
