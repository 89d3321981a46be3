// offline:T[,max=M] — the offline optimum, a lower bound for any online policy: it sees the whole
// arrival sequence (QueueView::arrivals holds every scheduled arrival) and, on its first decision,
// plans the partition of the stream into consecutive batches with the least total dynamic energy
// such that every request's response time stays within T, then dispatches exactly that plan.
//
// The model it assumes (docs/policies.md): FIFO batches of consecutive requests served one at a
// time; a batch of b starts when its last request has arrived and the previous batch has ended,
// and takes the profile's mean service time for b; its dynamic energy is the profile's. Idle
// energy is not optimised (it is the same for every plan up to the last batch's end).
//
// The plan is exact under that model: dynamic programming over prefixes, keeping for each prefix
// every plan that is not dominated in (energy so far, time the server becomes free). When no plan
// meets T (the load exceeds what the model can serve in time), feasible() is false and the policy
// serves greedily up to M instead.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "batching/batch_costs.h"
#include "batching/policy.h"

namespace gb {

// The optimal batch sizes, in order, for `arrivals` (non-decreasing); nullopt when infeasible.
std::optional<std::vector<std::size_t>> plan_offline_optimum(const std::vector<Nanos>& arrivals,
                                                             Nanos slo, std::size_t max,
                                                             const BatchCosts& costs);

class OfflineOptimalPolicy final : public BatchingPolicy {
 public:
  OfflineOptimalPolicy(Nanos slo, std::size_t max, std::shared_ptr<const BatchCosts> costs);
  Decision decide(const QueueView& queue, Nanos now) override;
  std::string describe() const override;
  std::size_t max_batch() const override { return max_; }
  std::unique_ptr<BatchingPolicy> clone() const override;
  // After the first decision: whether a plan meeting T exists.
  bool feasible() const { return planned_ && !plan_.empty(); }

 private:
  Nanos slo_;
  std::size_t max_;
  std::shared_ptr<const BatchCosts> costs_;
  bool planned_ = false;
  std::vector<std::size_t> plan_;  // batch sizes; empty after planning = infeasible
  std::size_t next_ = 0;           // index into plan_
  std::size_t next_first_ = 0;     // first request id of plan_[next_]
};

}  // namespace gb
