#include "batching/torchserve_policy.h"

#include <algorithm>

#include "common/parse.h"

namespace gb {

TorchServePolicy::TorchServePolicy(std::size_t batch, Nanos delay) : batch_(batch), delay_(delay) {}

Decision TorchServePolicy::decide(const QueueView& queue, Nanos now) {
  if (queue.empty()) return Decision::wait_for_arrival();
  // The first decision that sees a request while the worker is free is the pick.
  if (!picked_at_) picked_at_ = now;
  const std::size_t n = queue.size();
  std::size_t send = 0;
  if (delay_.count() == 0) {
    send = std::min<std::size_t>({n, batch_, 2});
  } else if (n >= batch_) {
    send = batch_;
  } else if (now >= *picked_at_ + delay_) {
    send = n;
  } else {
    return Decision::wake_at_time(*picked_at_ + delay_);
  }
  picked_at_.reset();
  return Decision::dispatch(send);
}

std::string TorchServePolicy::describe() const {
  return "torchserve:batch=" + std::to_string(batch_) + ",delay=" + format_duration(delay_);
}

std::unique_ptr<BatchingPolicy> TorchServePolicy::clone() const {
  return std::make_unique<TorchServePolicy>(batch_, delay_);
}

}  // namespace gb
