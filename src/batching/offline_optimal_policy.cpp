#include "batching/offline_optimal_policy.h"

#include <algorithm>
#include <limits>

#include "common/parse.h"

namespace gb {
namespace {

struct State {
  double energy;
  Nanos free_at;       // when the server finishes this prefix's last batch
  std::size_t batch;   // size of that last batch
  std::size_t parent;  // index of the predecessor state in the prefix before it
};

// Keeps the states not dominated in (energy, free_at), sorted by energy.
void prune(std::vector<State>& states) {
  std::sort(states.begin(), states.end(), [](const State& a, const State& b) {
    return a.energy != b.energy ? a.energy < b.energy : a.free_at < b.free_at;
  });
  std::vector<State> kept;
  for (const State& s : states) {
    if (kept.empty() || s.free_at < kept.back().free_at) kept.push_back(s);
  }
  states.swap(kept);
}

}  // namespace

std::optional<std::vector<std::size_t>> plan_offline_optimum(const std::vector<Nanos>& a, Nanos slo,
                                                             std::size_t max,
                                                             const BatchCosts& costs) {
  const std::size_t n = a.size();
  if (n == 0) return std::vector<std::size_t>{};
  std::vector<Nanos> service(max + 1);
  std::vector<double> energy(max + 1);
  for (std::size_t b = 1; b <= max; ++b) {
    service[b] = costs.service_mean(b);
    energy[b] = costs.dynamic_j(b);
  }
  // states[j]: plans for the first j requests.
  std::vector<std::vector<State>> states(n + 1);
  states[0].push_back({0, Nanos(std::numeric_limits<int64_t>::min() / 2), 0, 0});
  for (std::size_t j = 1; j <= n; ++j) {
    std::vector<State>& out = states[j];
    for (std::size_t b = 1; b <= std::min(max, j); ++b) {
      const std::size_t i = j - b;  // the batch is requests [i, j)
      const Nanos deadline = a[i] + slo;
      const std::vector<State>& before = states[i];
      for (std::size_t k = 0; k < before.size(); ++k) {
        const Nanos end = std::max(before[k].free_at, a[j - 1]) + service[b];
        if (end > deadline) continue;
        out.push_back({before[k].energy + energy[b], end, b, k});
      }
    }
    prune(out);
  }
  if (states[n].empty()) return std::nullopt;
  // Least energy; among equals, the earliest finish (prune keeps them sorted so).
  std::vector<std::size_t> plan;
  std::size_t j = n, k = 0;
  while (j > 0) {
    const State& s = states[j][k];
    plan.push_back(s.batch);
    k = s.parent;
    j -= s.batch;
  }
  std::reverse(plan.begin(), plan.end());
  return plan;
}

OfflineOptimalPolicy::OfflineOptimalPolicy(Nanos slo, std::size_t max,
                                           std::shared_ptr<const BatchCosts> costs)
    : slo_(slo), max_(max), costs_(std::move(costs)) {}

Decision OfflineOptimalPolicy::decide(const QueueView& queue, Nanos) {
  if (!planned_) {
    planned_ = true;
    const std::vector<Nanos> arrivals(queue.arrivals, queue.arrivals + queue.total);
    plan_ =
        plan_offline_optimum(arrivals, slo_, max_, *costs_).value_or(std::vector<std::size_t>{});
    next_first_ = 0;
  }
  if (queue.empty()) return Decision::wait_for_arrival();
  if (plan_.empty() || queue.head != next_first_ || next_ >= plan_.size()) {
    return Decision::dispatch(std::min(queue.size(), max_));  // infeasible: greedy
  }
  const std::size_t size = plan_[next_];
  if (queue.size() < size) return Decision::wait_for_arrival();
  ++next_;
  next_first_ += size;
  return Decision::dispatch(size);
}

std::string OfflineOptimalPolicy::describe() const {
  std::string s = "offline:" + format_duration(slo_);
  if (max_ != 128) s += ",max=" + std::to_string(max_);
  return s;
}

std::unique_ptr<BatchingPolicy> OfflineOptimalPolicy::clone() const {
  return std::make_unique<OfflineOptimalPolicy>(slo_, max_, costs_);
}

}  // namespace gb
