// BatchCosts: what a policy may know of the model's cost at each batch size, from a profile
// (`greenbatch profile`): service time (mean and the longest measured) and dynamic energy per
// batch. Plain data, so
// policies that use it stay pure and testable with made-up tables.
//
// Sizes between profiled ones are interpolated linearly; sizes beyond the largest are extrapolated
// linearly from the last two points (one point: proportionally). Contract: at least one point,
// sizes strictly increasing, all figures >= 0.
#pragma once

#include <cstddef>
#include <vector>

#include "common/time.h"

namespace gb {

struct BatchCostPoint {
  std::size_t size = 0;
  Nanos service_mean{0};
  Nanos service_max{0};  // the longest measured: what a latency guarantee must plan for
  double dynamic_j = 0;  // dynamic energy of one batch (gross minus idle power x its time)
};

class BatchCosts {
 public:
  explicit BatchCosts(std::vector<BatchCostPoint> points);  // throws UsageError if malformed

  Nanos service_mean(std::size_t size) const;
  Nanos service_max(std::size_t size) const;
  double dynamic_j(std::size_t size) const;
  double dynamic_per_image_j(std::size_t size) const { return dynamic_j(size) / size; }
  std::size_t largest_profiled() const { return points_.back().size; }
  const std::vector<BatchCostPoint>& points() const { return points_; }

 private:
  // Linear interpolation of `field` at `size`.
  template <typename Field>
  double at(std::size_t size, Field field) const;

  std::vector<BatchCostPoint> points_;
};

}  // namespace gb
