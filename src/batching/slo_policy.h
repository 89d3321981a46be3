// slo:T[,max=M] — greenbatch's latency-budget policy: every request's response time (scheduled
// arrival to end of its batch) stays within T, while the dynamic energy per image is as low as the
// profile allows. With s(b) = 1.05 x the longest service time the profile measured for b (the
// profile's service time includes preprocessing, as the runner's does), the rule
// (docs/policies.md) is:
//   - nothing queued: wait for an arrival;
//   - batches are formed up to L, the largest size with 2 s(b) <= T: a request arriving just after
//     a batch starts waits for it, then for its own batch, and both must fit in T; or, when the
//     last 64 released requests arrived faster than batches of L serve (at the mean service
//     times), up to K, the smallest size that keeps up: a queue that grows breaks every budget;
//   - b* is the size up to L with the least dynamic energy per image (the smallest within 0.5 %);
//   - more than max(L, K) queued (a backlog), or n queued too late for one batch to meet the
//     oldest's deadline: split the queue into consecutive batches that meet every queued deadline
//     and free the model earliest (planned at s(b), else at the mean service times; at the means
//     also where the plan at s(b) starts with fewer than min(n, K) and the mean plan with more),
//     and dispatch the first; greedily up to M when no split meets them all (requests are late
//     whatever happens);
//   - dispatch the n queued at once when the stream has ended, when n >= b*, or when no size in
//     (n, L] is cheaper per image (larger batches cost more, as for DenseNet in the paper:
//     waiting would only add latency);
//   - otherwise wait for one more request, but no later than oldest arrival + T - s(n + 1), the
//     latest start at which a batch of n + 1 still meets the oldest request's deadline; then
//     dispatch the n queued. Each arrival re-decides with n + 1, so the batch grows exactly as
//     long as the budget and the arrivals allow.
// Pure: the cost table is fixed data and the policy keeps no state between decisions (the arrival
// rate is read from the released arrivals of the queue view at each decision).
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
  // The first batch of the plan for the queued requests that meets every deadline and frees the
  // model earliest (at s(b); at the mean service times where that plan's first batch is below
  // `keeping_up` and the mean plan's is larger); min(n, M) when none meets them all.
  std::size_t planned_batch(const QueueView& queue, Nanos now, std::size_t keeping_up);
  // The smallest batch whose throughput at the mean service time keeps up with the arrival rate
  // of the last kRateWindow released requests. Batches up to max(L, it) are formed, and a backlog
  // plan never starts with fewer (unless fewer are queued).
  std::size_t keeping_up_size(const QueueView& queue) const;
  static constexpr std::size_t kRateWindow = 64;
  // Longer queues are served greedily, unplanned: planning costs up to n x M steps, and a queue
  // this long is far past any budget a batch meets.
  static constexpr std::size_t kPlanHorizon = 512;
  // The first batch of the split of the queue, with batches taking service[b], that meets every
  // queued deadline and frees the model earliest; 0 when no split meets them all.
  std::size_t plan_first_batch(const QueueView& queue, Nanos now,
                               const std::vector<Nanos>& service);

  std::vector<Nanos> reserve_;       // [b]: s(b), the service time planned for a batch of b
  std::vector<Nanos> mean_;          // [b]: the mean service time of a batch of b
  std::size_t limit_ = 1;            // L: the largest size with 2 s(b) <= T
  std::size_t best_ = 1;             // b*: least dynamic energy per image among sizes that fit T
  std::vector<bool> cheaper_later_;  // [b]: a size worth waiting for above b is cheaper per image
  std::vector<int64_t> free_at_;     // planned_batch's scratch, kept to spare the hot path
  std::vector<std::size_t> last_;    // allocations; never carries state between decisions
};

}  // namespace gb
