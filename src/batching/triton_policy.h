// triton:max=M,preferred=A|B,delay=T — Triton's dynamic batcher, rule by rule as its source
// decides when a model instance is free (docs/policies.md cites the lines). With n = min(queued, M)
// and `best` the largest preferred size <= n:
// - delay not expired (the oldest queued request has waited less than T): send `best` at once if
//   there is one, else wait until the oldest has waited T (or for an arrival);
// - delay expired: send n, everything queued up to M, not cut to a preferred size;
// - delay 0 never expires and never waits: send `best`, or n when no preferred size fits.
// No preferred sizes means {M} (Triton's model-config normalisation). The delay counts from the
// oldest queued request's arrival. Triton's forming of the next batch while the model is busy is
// outside this interface (policies decide only when the executor is free).
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
