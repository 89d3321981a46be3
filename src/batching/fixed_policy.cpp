#include "batching/fixed_policy.h"

#include <algorithm>

#include "common/parse.h"

namespace gb {

FixedPolicy::FixedPolicy(std::size_t size, std::optional<Nanos> timeout)
    : size_(size), timeout_(timeout) {}

Decision FixedPolicy::decide(const QueueView& queue, Nanos now) {
  const std::size_t queued = queue.size();
  if (queued >= size_) return Decision::dispatch(size_);
  if (queued == 0) return Decision::wait_for_arrival();
  // The paper's runs end by flushing the partial last batch; without this the tail would wait
  // forever.
  if (queue.stream_ended()) return Decision::dispatch(queued);
  if (!timeout_) return Decision::wait_for_arrival();
  const Nanos deadline = queue.oldest_arrival() + *timeout_;
  if (now >= deadline) return Decision::dispatch(queued);
  return Decision::wake_at_time(deadline);
}

std::string FixedPolicy::describe() const {
  std::string s = "fixed:" + std::to_string(size_);
  if (timeout_) s += ",timeout=" + format_duration(*timeout_);
  return s;
}

std::unique_ptr<BatchingPolicy> FixedPolicy::clone() const {
  return std::make_unique<FixedPolicy>(size_, timeout_);
}

}  // namespace gb
