// offline:T[,max=M] — the offline optimum, a lower bound for any online policy: it sees the whole
// arrival sequence (QueueView::arrivals holds every scheduled arrival) and, on its first decision,
// plans the schedule of the stream with the least energy such that every request's response time
// stays within T, then dispatches exactly that schedule.
//
// The schedules it ranges over (docs/policies.md): the stream split into consecutive batches of
// at most M, served FIFO one at a time; batch k, of requests [i, j), starts at any instant s_k
// (whole nanoseconds) with s_k >= arrival of request j - 1 and s_k >= end of batch k - 1, and ends
// at s_k + charge(b_k, s_k - end of batch k - 1).service. Its energy is the cost model's
// (BatchCostModel in batch_costs.h, the one the simulator charges with mean service times):
// idle power x end of the last batch + the sum of each batch's charge().dynamic_j. A batch may
// start later than it could: waiting may shorten the gap before the next batch, which makes that
// one cheaper (the model charges a batch for the idleness before it), and online policies that
// wait (timeouts, slo) do exactly that.
//
// Exact under that model: a dynamic programme over prefixes whose state is (prefix served, end
// of its last batch), with the least energy to reach each end kept as a piecewise-linear function
// of the end (docs/policies.md has the derivation and its cost). Where the table carries no cost
// model (BatchCosts::model() is null) it uses BatchCostModel::gap_free(table). When no schedule
// meets T (the load exceeds what the model can serve in time), feasible() is false and the policy
// serves greedily up to M instead.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "batching/batch_costs.h"
#include "batching/policy.h"

namespace gb {

struct OfflinePlan {
  std::vector<std::size_t> sizes;  // batch sizes, in order
  std::vector<Nanos> starts;       // when each batch starts
  double energy_j = 0;             // the model's energy of the whole schedule (idle included)
};

// The least-energy schedule for `arrivals` (non-decreasing) under `model`, every response within
// `slo`, batches of at most `max`; nullopt when none exists. Among schedules of equal energy, one
// whose last batch ends earliest.
std::optional<OfflinePlan> plan_offline_optimum(const std::vector<Nanos>& arrivals, Nanos slo,
                                                std::size_t max, const BatchCostModel& model);
// The same with `costs.model()`, or the gap-free model of `costs` where it has none.
std::optional<OfflinePlan> plan_offline_optimum(const std::vector<Nanos>& arrivals, Nanos slo,
                                                std::size_t max, const BatchCosts& costs);

class OfflineOptimalPolicy final : public BatchingPolicy {
 public:
  OfflineOptimalPolicy(Nanos slo, std::size_t max, std::shared_ptr<const BatchCosts> costs);
  Decision decide(const QueueView& queue, Nanos now) override;
  std::string describe() const override;
  std::size_t max_batch() const override { return max_; }
  std::unique_ptr<BatchingPolicy> clone() const override;
  // After the first decision: whether a plan meeting T exists.
  bool feasible() const { return planned_ && !plan_.sizes.empty(); }

 private:
  Nanos slo_;
  std::size_t max_;
  std::shared_ptr<const BatchCosts> costs_;
  bool planned_ = false;
  OfflinePlan plan_;            // empty after planning = infeasible
  std::size_t next_ = 0;        // index into the plan
  std::size_t next_first_ = 0;  // first request id of the plan's batch next_
};

}  // namespace gb
