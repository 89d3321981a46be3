#include "batching/batch_costs.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

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

BatchCosts BatchCosts::with_model(std::shared_ptr<const BatchCostModel> model) const {
  BatchCosts out = *this;
  out.model_ = std::move(model);
  return out;
}

BatchCostModel::BatchCostModel(BatchCosts back_to_back, BatchCosts short_gap, BatchCosts isolated,
                               Nanos isolation_gap, double idle_power_w, Nanos back_to_back_within)
    : back_to_back_(std::move(back_to_back)),
      short_gap_(std::move(short_gap)),
      isolated_(std::move(isolated)),
      isolation_gap_(isolation_gap),
      back_to_back_within_(back_to_back_within),
      idle_power_w_(idle_power_w) {
  if (isolation_gap.count() < 0 || back_to_back_within.count() < 0) {
    throw UsageError("batch cost model: negative gap");
  }
}

BatchCostModel BatchCostModel::gap_free(const BatchCosts& table, double idle_power_w) {
  return BatchCostModel(table, table, table, Nanos(0), idle_power_w, Nanos(0));
}

Regime BatchCostModel::regime(std::optional<Nanos> gap) const {
  const bool isolating = isolation_gap_.count() > 0;
  if (!gap) return isolating ? Regime::kIsolated : Regime::kBackToBack;
  if (*gap < back_to_back_within_) return Regime::kBackToBack;
  if (isolating && 2 * gap->count() >= isolation_gap_.count()) return Regime::kIsolated;
  return Regime::kShortGap;
}

double BatchCostModel::idle_fraction(std::optional<Nanos> gap) const {
  if (isolation_gap_.count() <= 0) return 0;
  if (!gap) return 1;
  if (*gap >= isolation_gap_) return 1;
  return static_cast<double>(std::max<int64_t>(0, gap->count())) /
         static_cast<double>(isolation_gap_.count());
}

BatchCharge BatchCostModel::charge(std::size_t size, std::optional<Nanos> gap) const {
  const Regime r = regime(gap);
  const BatchCosts& timing = r == Regime::kIsolated   ? isolated_
                             : r == Regime::kShortGap ? short_gap_
                                                      : back_to_back_;
  const double busy = back_to_back_.dynamic_j(size);
  return {timing.service_mean(size),
          busy + idle_fraction(gap) * (isolated_.dynamic_j(size) - busy)};
}

std::vector<Nanos> BatchCostModel::gap_breakpoints() const {
  std::vector<Nanos> points{Nanos(0), back_to_back_within_};
  if (isolation_gap_.count() > 0) {
    points.push_back(Nanos((isolation_gap_.count() + 1) / 2));  // the least g with 2g >= G
    points.push_back(isolation_gap_);
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}

}  // namespace gb
