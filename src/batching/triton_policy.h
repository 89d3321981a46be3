// triton:max=M,preferred=A|B,delay=T — Triton's dynamic batcher as documented:
// - a batch of the largest preferred size (default: M) that can be formed goes out at once;
// - otherwise the batcher waits until the oldest queued request has been delayed T, then sends the
//   largest preferred size it can form, or, if none, everything queued up to M;
// - delay 0 means no waiting (greedy up to M, cut to a preferred size when one can be formed).
// The delay counts from the oldest request's arrival (Triton's max_queue_delay semantics;
// TorchServe instead counts from when the worker picked the first job).
#pragma once

#include <vector>

#include "batching/policy.h"

namespace gb {

class TritonPolicy final : public BatchingPolicy {
 public:
  // `preferred` must be sorted ascending, each in [1, max]; empty means {max}.
  TritonPolicy(std::size_t max, std::vector<std::size_t> preferred, Nanos delay);
  Decision decide(const QueueView& queue, Nanos now) override;
  std::string describe() const override;
  std::size_t max_batch() const override { return max_; }
  std::unique_ptr<BatchingPolicy> clone() const override;

 private:
  // Largest preferred size <= n, or 0 when none fits.
  std::size_t best_preferred(std::size_t n) const;

  std::size_t max_;
  std::vector<std::size_t> preferred_;
  bool preferred_given_;
  Nanos delay_;
};

}  // namespace gb
