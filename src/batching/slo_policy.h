// slo:T[,max=M] — greenbatch's latency-budget policy: every request's response time (scheduled
// arrival to end of its batch) stays within T, while the dynamic energy per image is as low as the
// profile allows. The rule (docs/policies.md):
//   - nothing queued: wait for an arrival;
//   - only sizes whose own p99 service time (x 1.05) fits within T are worth waiting for; among
//     them, b* has the least dynamic energy per image (the smallest within 0.5 % of the least);
//   - dispatch everything queued (at most M) at once when the stream has ended, when the queue
//     has reached b*, or when no larger size worth waiting for is cheaper per image than the
//     current queue (larger batches cost more, as for DenseNet in the paper: waiting would only
//     add latency);
//   - otherwise wait for one more request, but no later than the latest start at which a batch of
//     n + 1 would still let the oldest request meet its deadline: oldest arrival + T - 1.05 x p99
//     service time of n + 1; then dispatch the n queued. Each arrival re-decides with n + 1, so
//     the batch grows exactly as long as the budget and the arrivals allow.
// The profile's service time includes preprocessing, as the runner's does. Pure: the cost table is
// fixed data and the policy keeps no state between decisions.
#pragma once

#include <memory>
#include <vector>

#include "batching/batch_costs.h"
#include "batching/policy.h"

namespace gb {

class SloPolicy final : public BatchingPolicy {
 public:
  SloPolicy(Nanos slo, std::size_t max, std::shared_ptr<const BatchCosts> costs);
  Decision decide(const QueueView& queue, Nanos now) override;
  std::string describe() const override;
  std::size_t max_batch() const override { return max_; }
  std::unique_ptr<BatchingPolicy> clone() const override;
  std::size_t best_size() const { return best_; }

 private:
  Nanos slo_;
  std::size_t max_;
  std::shared_ptr<const BatchCosts> costs_;
  std::size_t best_ = 1;             // b*: least dynamic energy per image among sizes that fit T
  std::vector<bool> cheaper_later_;  // [b]: a size worth waiting for above b is cheaper per image
};

}  // namespace gb
