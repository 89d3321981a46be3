// torchserve:batch=N,delay=T — TorchServe's batch aggregation, as its frontend's worker forms a
// batch (docs/policies.md cites the source it follows). When the worker is free it takes the first
// queued request (or waits for one); from that moment, the "pick", it collects up to N requests,
// taking those already queued at once, and sends when it has N or when T has passed since the
// pick, whichever comes first. So the delay counts from the pick, not from the oldest request's
// arrival as Triton's does: a request that queued while the model was busy may wait longer than T.
// - delay 0: TorchServe's loop stops after the first request it polls without waiting, so a batch
//   is the first request plus at most one more already queued (at most 2).
// - End of stream: the rule is kept (a server never sees the end of a stream); the last partial
//   batch goes when T has passed since its pick.
// The pick is remembered between decide() calls until the next dispatch: the policy holds that
// one piece of state, and clone() forgets it.
#pragma once

#include <optional>

#include "batching/policy.h"

namespace gb {

class TorchServePolicy final : public BatchingPolicy {
 public:
  // REQUIRES: batch >= 1.
  TorchServePolicy(std::size_t batch, Nanos delay);
  Decision decide(const QueueView& queue, Nanos now) override;
  std::string describe() const override;
  std::size_t max_batch() const override { return batch_; }
  std::unique_ptr<BatchingPolicy> clone() const override;

  // TorchServe's default max_batch_delay (RegisterModelRequest.DEFAULT_MAX_BATCH_DELAY).
  static constexpr Nanos kDefaultDelay = std::chrono::milliseconds(100);

 private:
  std::size_t batch_;
  Nanos delay_;
  std::optional<Nanos> picked_at_;  // when the free worker took this batch's first request
};

}  // namespace gb
