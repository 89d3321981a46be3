// ServiceSampler: service times for any batch size drawn from a profile's measurements, in the
// regime (back to back, short gap, isolated) that preceded the batch. The simulator's source of
// time; the rule that picks a regime lives with the simulator.
//
// Contract: draws are deterministic for a seed; one sampler is used by one thread at a time (it
// holds the random engine).
//
// Lifetime: a ServiceSampler keeps a reference to its ServiceProfile, which must outlive it and
// stay unchanged: the mean-service tables are built from it once, at construction, and its
// samples are read on every draw.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "batching/batch_costs.h"
#include "common/time.h"
#include "profile/profile.h"

namespace gb {

// Regime (what preceded a batch, which decides the service times it is drawn from) is the cost
// model's: batching/batch_costs.h.

// Draws service times for any batch size from a profile: the empirical distribution of the
// nearest profiled size at or below it (the smallest when below all), scaled by the ratio of the
// interpolated mean service times. `mean_only` returns the interpolated mean instead. Every draw
// is multiplied by `speed` (> 1: a machine slower than when it was profiled).
class ServiceSampler {
 public:
  // REQUIRES: `profile` holds at least one batch size (ServiceProfile::from_json guarantees it).
  // UsageError unless speed > 0.
  ServiceSampler(const ServiceProfile& profile, uint64_t seed, bool mean_only = false,
                 double speed = 1.0);
  // From the samples of `regime` where the profile measured them, else from the back-to-back ones.
  Nanos draw(std::size_t size, Regime regime = Regime::kBackToBack);
  // The mean service time a batch of `size` is drawn around.
  Nanos mean(std::size_t size, Regime regime = Regime::kBackToBack) const;
  double speed() const { return speed_; }
  bool mean_only() const { return mean_only_; }

 private:
  // Where a batch of a size and regime is drawn from: the mean-service table (interpolated), the
  // nearest profiled size's samples and their mean.
  struct Source {
    const BatchCosts* table;
    const std::vector<double>* samples;
    double near_mean_s;
  };
  Source source(std::size_t size, Regime regime) const;
  Nanos scaled_mean(std::size_t size, const Source& from) const;

  const ServiceProfile& profile_;
  std::shared_ptr<const BatchCosts> costs_;
  std::shared_ptr<const BatchCosts> isolated_costs_;
  std::shared_ptr<const BatchCosts> short_gap_costs_;
  std::mt19937_64 rng_;
  bool mean_only_;
  double speed_;
};

}  // namespace gb
