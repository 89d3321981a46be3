#include "batching/triton_policy.h"

#include <algorithm>

#include "common/parse.h"

namespace gb {

TritonPolicy::TritonPolicy(std::size_t max, std::vector<std::size_t> preferred, Nanos delay)
    : max_(max),
      preferred_(std::move(preferred)),
      preferred_given_(!preferred_.empty()),
      delay_(delay) {
  if (preferred_.empty()) preferred_.push_back(max_);
}

std::size_t TritonPolicy::best_preferred(std::size_t n) const {
  std::size_t best = 0;
  for (std::size_t p : preferred_) {
    if (p <= n) best = p;
  }
  return best;
}

Decision TritonPolicy::decide(const QueueView& queue, Nanos now) {
  if (queue.empty()) return Decision::wait_for_arrival();
  // The scan stops at M: only the first M queued requests can form this batch.
  const std::size_t n = std::min(queue.size(), max_);
  const std::size_t best = best_preferred(n);
  const Nanos deadline = queue.oldest_arrival() + delay_;
  const bool expired = delay_.count() != 0 && now >= deadline;
  if (best > 0 && !expired) return Decision::dispatch(best);
  if (expired || delay_.count() == 0) return Decision::dispatch(n);
  return Decision::wake_at_time(deadline);
}

std::string TritonPolicy::describe() const {
  std::string s = "triton:max=" + std::to_string(max_);
  if (preferred_given_) {
    s += ",preferred=";
    for (std::size_t i = 0; i < preferred_.size(); ++i) {
      if (i) s += "|";
      s += std::to_string(preferred_[i]);
    }
  }
  s += ",delay=" + format_duration(delay_);
  return s;
}

std::unique_ptr<BatchingPolicy> TritonPolicy::clone() const {
  return std::make_unique<TritonPolicy>(
      max_, preferred_given_ ? preferred_ : std::vector<std::size_t>{}, delay_);
}

}  // namespace gb
