// greedy[:CAP] — the paper's greedy strategy: as soon as the model is free, take everything queued,
// at most CAP (default 128, as in the paper).
#pragma once

#include "batching/policy.h"

namespace gb {

class GreedyPolicy final : public BatchingPolicy {
 public:
  static constexpr std::size_t kDefaultCap = 128;
  explicit GreedyPolicy(std::size_t cap = kDefaultCap) : cap_(cap) {}
  Decision decide(const QueueView& queue, Nanos now) override {
    if (queue.empty()) return Decision::wait_for_arrival();
    return Decision::dispatch(queue.size() < cap_ ? queue.size() : cap_);
  }
  std::string describe() const override { return "greedy:" + std::to_string(cap_); }
  std::size_t max_batch() const override { return cap_; }
  std::unique_ptr<BatchingPolicy> clone() const override {
    return std::make_unique<GreedyPolicy>(cap_);
  }

 private:
  std::size_t cap_;
};

}  // namespace gb
