#include "batching/slo_policy.h"

#include <algorithm>

#include "common/parse.h"

namespace gb {

SloPolicy::SloPolicy(Nanos slo, std::size_t max, std::shared_ptr<const BatchCosts> costs)
    : slo_(slo), max_(max), costs_(std::move(costs)), cheaper_later_(max + 1, false) {
  // Ties within 0.5 % count as "not cheaper": waiting must buy a real saving.
  constexpr double kGain = 0.995;
  // Only sizes whose service time fits half the budget are formed: a request arriving just after a
  // batch starts waits for it, then for its own batch; both must fit in T.
  for (std::size_t b = 1; b <= max_; ++b) {
    if (2 * (costs_->service_max(b).count() * 105 / 100) <= slo_.count()) limit_ = b;
  }
  const std::size_t limit = limit_;
  std::vector<double> per_image(max_ + 1, 0);
  for (std::size_t b = 1; b <= limit; ++b) {
    per_image[b] = costs_->dynamic_per_image_j(b);
    if (per_image[b] < per_image[best_] * kGain) best_ = b;
  }
  double cheapest_above = per_image[limit];
  for (std::size_t b = limit; b-- > 1;) {
    cheaper_later_[b] = cheapest_above < per_image[b] * kGain;
    cheapest_above = std::min(cheapest_above, per_image[b]);
  }
}

Decision SloPolicy::decide(const QueueView& queue, Nanos now) {
  if (queue.empty()) return Decision::wait_for_arrival();
  // Backlogged (more queued than fits): deadlines are at risk whatever we do, and throughput is
  // what clears a backlog, so serve greedily up to M, as greedy batching would.
  if (queue.size() > limit_) return Decision::dispatch(std::min(queue.size(), max_));
  const std::size_t n = queue.size();
  if (queue.stream_ended() || n >= best_ || !cheaper_later_[n]) {
    return Decision::dispatch(n);
  }
  // Wait for one more request only as long as a batch of n + 1 could still start and meet the
  // oldest request's deadline; each arrival re-decides with a larger batch.
  const Nanos reserve = Nanos(costs_->service_max(n + 1).count() * 105 / 100);
  const Nanos latest_start = queue.oldest_arrival() + slo_ - reserve;
  if (now >= latest_start) return Decision::dispatch(n);
  return Decision::wake_at_time(latest_start);
}

std::string SloPolicy::describe() const {
  std::string s = "slo:" + format_duration(slo_);
  if (max_ != 128) s += ",max=" + std::to_string(max_);
  return s;
}

std::unique_ptr<BatchingPolicy> SloPolicy::clone() const {
  return std::make_unique<SloPolicy>(slo_, max_, costs_);
}

}  // namespace gb
