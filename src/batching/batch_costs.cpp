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
    if (p.service_mean.count() < 0 || p.service_max.count() < 0) {
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
  return Nanos(std::llround(at(
      size, [](const BatchCostPoint& p) { return static_cast<double>(p.service_mean.count()); })));
}

Nanos BatchCosts::service_max(std::size_t size) const {
  // The nearest profiled size at or below (the smallest when below all), scaled by the ratio of
  // mean service times: the same rule the simulator's ServiceSampler draws by, so a drawn service
  // time never exceeds this bound.
  auto it = std::upper_bound(points_.begin(), points_.end(), size,
                             [](std::size_t s, const BatchCostPoint& p) { return s < p.size; });
  const BatchCostPoint& near = it == points_.begin() ? points_.front() : *(it - 1);
  if (near.size == size || near.service_mean.count() <= 0) return near.service_max;
  const double scale = static_cast<double>(service_mean(size).count()) /
                       static_cast<double>(near.service_mean.count());
  return Nanos(std::llround(static_cast<double>(near.service_max.count()) * scale));
}

double BatchCosts::dynamic_j(std::size_t size) const {
  return at(size, [](const BatchCostPoint& p) { return p.dynamic_j; });
}

}  // namespace gb
