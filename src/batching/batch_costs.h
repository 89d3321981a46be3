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
#include <memory>
#include <optional>
#include <vector>

#include "common/time.h"

namespace gb {

struct BatchCostPoint {
  std::size_t size = 0;
  Nanos service_mean{0};
  Nanos service_max{0};  // the longest measured: what a latency guarantee must plan for
  double dynamic_j = 0;  // dynamic energy of one batch (gross minus idle power x its time)
};

class BatchCostModel;

class BatchCosts {
 public:
  explicit BatchCosts(std::vector<BatchCostPoint> points);  // throws UsageError if malformed

  Nanos service_mean(std::size_t size) const;
  Nanos service_max(std::size_t size) const;
  double dynamic_j(std::size_t size) const;
  double dynamic_per_image_j(std::size_t size) const { return dynamic_j(size) / size; }
  std::size_t largest_profiled() const { return points_.back().size; }
  const std::vector<BatchCostPoint>& points() const { return points_; }

  // The regime-dependent model of the profile this table came from (ServiceProfile::costs()
  // attaches it), for the policies that need the exact costs of a schedule (offline); nullptr for
  // a table made from points alone, whose costs do not depend on the idle gap.
  const BatchCostModel* model() const { return model_.get(); }
  BatchCosts with_model(std::shared_ptr<const BatchCostModel> model) const;

 private:
  // Linear interpolation of `field` at `size`.
  template <typename Field>
  double at(std::size_t size, Field field) const;

  std::vector<BatchCostPoint> points_;
  std::shared_ptr<const BatchCostModel> model_;
};

// What preceded a batch, which decides its service time.
enum class Regime {
  kBackToBack,  // it started as the previous batch ended (within back_to_back_within)
  kShortGap,    // after idleness shorter than half the isolation gap
  kIsolated,    // after at least half the isolation gap (or the run's start)
};

// What one batch costs: its service time and its dynamic energy.
struct BatchCharge {
  Nanos service{0};
  double dynamic_j = 0;
};

// The cost of a run of batches, the ONE formula the simulator charges in mean-service mode and
// the offline bound (offline_optimal_policy.h) minimises. With G the isolation gap and g the idle
// gap before a batch of b (none for a run's first batch):
//   regime(g)  = isolated for the first batch (back to back when G = 0), back to back for
//                g < back_to_back_within, isolated for 2g >= G (G > 0), short gap otherwise;
//   f(g)       = 1 for the first batch, min(1, g / G) (0 when G = 0);
//   charge(b, g).service   = the regime's mean service time for b;
//   charge(b, g).dynamic_j = b2b(b) + f(g) x (iso(b) - b2b(b));
//   run energy = idle power x (end of the last batch) + sum of charge(b_k, g_k).dynamic_j.
// Why this model (a linear spin-down the profile does not resolve further): docs/simulator.md.
// Between consecutive gap_breakpoints() a batch's service time is constant and its dynamic energy
// linear in g, and beyond the last both are constant: the offline dynamic programme relies on it.
class BatchCostModel {
 public:
  // A real dispatcher takes tens of microseconds to start a queued batch; idleness this short is
  // none.
  static constexpr Nanos kBackToBackWithin{500000};

  // Service time per regime from the three tables' means; energy from back_to_back's and
  // isolated's dynamic_j (short_gap's energy is not used). REQUIRES isolation_gap >= 0,
  // back_to_back_within >= 0.
  BatchCostModel(BatchCosts back_to_back, BatchCosts short_gap, BatchCosts isolated,
                 Nanos isolation_gap, double idle_power_w,
                 Nanos back_to_back_within = kBackToBackWithin);
  // A model in which the gap changes nothing: `table`'s mean service and dynamic energy.
  static BatchCostModel gap_free(const BatchCosts& table, double idle_power_w = 0);

  // `gap`: idleness before the batch; nullopt for a run's first batch.
  Regime regime(std::optional<Nanos> gap) const;
  double idle_fraction(std::optional<Nanos> gap) const;
  BatchCharge charge(std::size_t size, std::optional<Nanos> gap) const;
  double idle_power_w() const { return idle_power_w_; }
  // Ascending, from 0: the gaps at which regime or the slope of f changes.
  std::vector<Nanos> gap_breakpoints() const;

 private:
  BatchCosts back_to_back_, short_gap_, isolated_;
  Nanos isolation_gap_, back_to_back_within_;
  double idle_power_w_;
};

}  // namespace gb
