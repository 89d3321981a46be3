// aimd:slo=T[,step=S][,max=M] — Clipper's adaptive batch size (Crankshaw et al., NSDI 2017), as a
// baseline: serve greedily up to a cap; after each batch, if its service time exceeded T, cut the
// cap by 10 % (at least by one, never below 1), else if the batch was full grow it by S (default
// 1), up to M (default 128). The cap starts at 1 and learns; clone() forgets what was learned.
// Growth happens only on full batches: a partial batch says nothing about larger ones.
#pragma once

#include "batching/policy.h"

namespace gb {

class AimdPolicy final : public BatchingPolicy {
 public:
  AimdPolicy(Nanos slo, std::size_t step = 1, std::size_t max = 128);
  Decision decide(const QueueView& queue, Nanos now) override;
  void on_batch_done(const BatchFeedback& feedback) override;
  std::string describe() const override;
  std::size_t max_batch() const override { return max_; }
  std::unique_ptr<BatchingPolicy> clone() const override;
  std::size_t cap() const { return cap_; }

 private:
  Nanos slo_;
  std::size_t step_, max_;
  std::size_t cap_ = 1;
};

}  // namespace gb
