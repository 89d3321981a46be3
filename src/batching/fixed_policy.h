// fixed:N[,timeout=T] — the paper's fixed batch size, optionally bounded by a timeout on the oldest
// request (the TF-Serving / Triton-style escape hatch the paper lacked).
#pragma once

#include <optional>

#include "batching/policy.h"

namespace gb {

class FixedPolicy final : public BatchingPolicy {
 public:
  explicit FixedPolicy(std::size_t size, std::optional<Nanos> timeout = std::nullopt);
  Decision decide(const QueueView& queue, Nanos now) override;
  std::string describe() const override;
  std::size_t max_batch() const override { return size_; }
  std::unique_ptr<BatchingPolicy> clone() const override;

 private:
  std::size_t size_;
  std::optional<Nanos> timeout_;
};

}  // namespace gb
