// Repetition statistics: mean and the half-width of a two-sided 95 % confidence interval from
// Student's t distribution (the sample is small: a handful of repetitions), and the median.
#pragma once

#include <optional>
#include <vector>

namespace gb {

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
