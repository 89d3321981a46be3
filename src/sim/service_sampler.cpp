#include "sim/service_sampler.h"

#include <algorithm>

#include "common/errors.h"

namespace gb {

ServiceSampler::ServiceSampler(const ServiceProfile& profile, uint64_t seed, bool mean_only,
                               double speed)
    : profile_(profile),
      costs_(profile.back_to_back_costs()),
      isolated_costs_(profile.isolated_costs()),
      short_gap_costs_(profile.short_gap_costs()),
      rng_(seed),
      mean_only_(mean_only),
      speed_(speed) {
  if (!(speed > 0)) throw UsageError("a service-time speed factor must be > 0");
}

namespace {
const ProfiledBatch& nearest_at_or_below(const std::vector<ProfiledBatch>& bs, std::size_t size) {
  auto it = std::upper_bound(bs.begin(), bs.end(), size,
                             [](std::size_t s, const ProfiledBatch& b) { return s < b.size; });
  return it == bs.begin() ? bs.front() : *(it - 1);
}

}  // namespace

ServiceSampler::Source ServiceSampler::source(std::size_t size, Regime regime) const {
  const ProfiledBatch& near = nearest_at_or_below(profile_.batches, size);
  // The regime's samples where the nearest profiled size has them, else the back-to-back ones.
  if (regime == Regime::kIsolated && near.has_isolated()) {
    return {isolated_costs_.get(), &near.service_isolated_s, near.service_isolated_mean_s};
  }
  if (regime == Regime::kShortGap && near.has_short_gap()) {
    return {short_gap_costs_.get(), &near.service_short_gap_s, near.service_short_gap_mean_s};
  }
  return {costs_.get(), &near.service_s, near.service_mean_s};
}

Nanos ServiceSampler::mean(std::size_t size, Regime regime) const {
  return scaled_mean(size, source(size, regime));
}

Nanos ServiceSampler::scaled_mean(std::size_t size, const Source& from) const {
  return from_seconds(to_seconds(from.table->service_mean(size)) * speed_);
}

Nanos ServiceSampler::draw(std::size_t size, Regime regime) {
  const Source from = source(size, regime);
  const Nanos mean = scaled_mean(size, from);
  if (mean_only_ || from.samples->empty() || from.near_mean_s <= 0) return mean;
  std::uniform_int_distribution<std::size_t> pick(0, from.samples->size() - 1);
  const double scale = to_seconds(mean) / from.near_mean_s;
  return from_seconds((*from.samples)[pick(rng_)] * scale);
}

}  // namespace gb
