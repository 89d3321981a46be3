#include "common/statistics.h"

#include <algorithm>
#include <cmath>

namespace gb {

Distribution describe_distribution(std::vector<double> values) {
  Distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  const std::size_t n = values.size();
  auto rank = [&](double p) {
    const auto r = static_cast<std::size_t>(std::ceil(p * static_cast<double>(n)));
    return values[std::min(n, std::max<std::size_t>(r, 1)) - 1];
  };
  d.mean = sum / static_cast<double>(n);
  d.p50 = rank(0.50);
  d.p90 = rank(0.90);
  d.p95 = rank(0.95);
  d.p99 = rank(0.99);
  d.p999 = rank(0.999);
  d.max = values.back();
  return d;
}

double t_quantile_975(std::size_t dof) {
  // Exact table to 30 degrees of freedom, then the normal approximation with a 1/dof correction.
  static const double table[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                 2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof == 0) return NAN;
  if (dof <= 30) return table[dof];
  return 1.959964 + 2.4 / static_cast<double>(dof);
}

MeanCi mean_ci95(const std::vector<double>& values) {
  MeanCi r;
  r.n = values.size();
  if (values.empty()) return r;
  double sum = 0;
  for (double v : values) sum += v;
  r.mean = sum / static_cast<double>(r.n);
  if (r.n < 2) return r;
  double ss = 0;
  for (double v : values) ss += (v - r.mean) * (v - r.mean);
  const double sd = std::sqrt(ss / static_cast<double>(r.n - 1));
  r.ci95 = t_quantile_975(r.n - 1) * sd / std::sqrt(static_cast<double>(r.n));
  return r;
}

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  return (*std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)) + upper) / 2;
}

}  // namespace gb
