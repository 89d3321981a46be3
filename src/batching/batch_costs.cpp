#include "batching/batch_costs.h"

#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace gb {

BatchCosts::BatchCosts(std::vector<BatchCostPoint> points) : points_(std::move(points)) {
  if (points_.empty()) throw UsageError("a batch cost table needs at least one batch size");
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const BatchCostPoint& p = points_[i];
    if (p.size == 0 || (i && p.size <= points_[i - 1].size)) {
      throw UsageError("batch cost table: sizes must be positive and strictly increasing");
    }
    if (p.service_mean.count() < 0 || p.service_p99.count() < 0) {
      throw UsageError("batch cost table: negative service time");
    }
    // dynamic_j may be marginally negative from measurement noise; at() clamps results at 0.
  }
}

template <typename Field>
double BatchCosts::at(std::size_t size, Field field) const {
  const auto& p = points_;
  if (p.size() == 1) return field(p[0]) * static_cast<double>(size) / p[0].size;
  auto hi = std::lower_bound(p.begin(), p.end(), size,
                             [](const BatchCostPoint& a, std::size_t s) { return a.size < s; });
  if (hi != p.end() && hi->size == size) return field(*hi);
  if (hi == p.begin()) hi = p.begin() + 1;  // below the smallest: extrapolate from the first two
  if (hi == p.end()) hi = p.end() - 1;      // beyond the largest: from the last two
  const BatchCostPoint& a = *(hi - 1);
  const BatchCostPoint& b = *hi;
  const double x = (static_cast<double>(size) - a.size) / (static_cast<double>(b.size) - a.size);
  return std::max(0.0, field(a) + x * (field(b) - field(a)));
}

Nanos BatchCosts::service_mean(std::size_t size) const {
  return Nanos(std::llround(
      at(size, [](const BatchCostPoint& p) { return static_cast<double>(p.service_mean.count()); })));
}

Nanos BatchCosts::service_p99(std::size_t size) const {
  return Nanos(std::llround(
      at(size, [](const BatchCostPoint& p) { return static_cast<double>(p.service_p99.count()); })));
}

double BatchCosts::dynamic_j(std::size_t size) const {
  return at(size, [](const BatchCostPoint& p) { return p.dynamic_j; });
}

}  // namespace gb
