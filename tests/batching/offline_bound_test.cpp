// offline:T against brute force under the regime-dependent cost model (BatchCostModel): over
// every schedule of small streams (every split into consecutive batches of at most M, every start
// in whole nanoseconds from max(newest arrival, previous end) on), the plan's energy is the least
// of those meeting T, and the policy realises it. Time is counted in nanoseconds on purpose:
// gaps, service times and budgets of a few to a few tens of ns make "every start" enumerable,
// and the model's breakpoints (back to back within, G / 2, G) fall inside every instance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "batching/batch_costs.h"
#include "batching/offline_optimal_policy.h"
#include "batching/policy.h"

namespace gb {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Sizes 1, 2, 4; service times a few ns; isolated and back-to-back costs differ in both
// directions (an isolated batch may even be faster, as alexnet's batch of 2 is).
BatchCosts table(std::mt19937& rng, int64_t base_ns, double fixed_j) {
  std::vector<BatchCostPoint> pts;
  int64_t service = base_ns;
  double energy = fixed_j;
  for (std::size_t b : {1, 2, 4}) {
    pts.push_back({b, Nanos(service), Nanos(service), energy});
    service += 1 + static_cast<int64_t>(rng() % 6);
    energy += 0.1 + static_cast<double>(rng() % 100) / 100;
  }
  return BatchCosts(pts);
}

BatchCostModel random_model(std::mt19937& rng) {
  const int64_t base = 2 + static_cast<int64_t>(rng() % 5);
  const double fixed = static_cast<double>(rng() % 100) / 100;
  BatchCosts busy = table(rng, base, fixed);
  BatchCosts slack = table(rng, base + static_cast<int64_t>(rng() % 3), fixed);
  BatchCosts lone = table(rng, std::max<int64_t>(1, base - 1 + static_cast<int64_t>(rng() % 4)),
                          fixed + static_cast<double>(rng() % 300) / 100);
  const Nanos gap(rng() % 5 ? 4 + static_cast<int64_t>(rng() % 25) : 0);  // sometimes none
  const Nanos within(rng() % 4);
  const double idle_w = static_cast<double>(rng() % 4) * 1e7;  // up to 0.03 J per ns
  return BatchCostModel(busy, slack, lone, gap, idle_w, within);
}

struct Instance {
  std::vector<Nanos> a;
  Nanos slo;
  std::size_t max;
  BatchCostModel model;
};

// Every schedule, by recursion over the next batch and its start. `all` (small n) enumerates
// literally and records each feasible schedule's energy; otherwise the least energy from each
// (next request, previous end) is memoised, which is exact because what follows depends on
// nothing else.
struct BruteForce {
  const Instance& in;
  bool literal;
  std::vector<double> feasible;                               // literal: every feasible schedule
  std::vector<std::vector<std::pair<int64_t, double>>> memo;  // [i]: (previous end, least rest)

  double rest(std::size_t i, std::optional<Nanos> previous_end, double so_far) {
    const std::size_t n = in.a.size();
    if (i == n) {
      const double total =
          so_far + in.model.idle_power_w() * 1e-9 * static_cast<double>(previous_end->count());
      if (literal) feasible.push_back(total);
      return total - so_far;
    }
    if (!literal && previous_end) {
      for (const auto& [end, cost] : memo[i]) {
        if (end == previous_end->count()) return cost;
      }
    }
    double best = kInf;
    for (std::size_t b = 1; b <= std::min(in.max, n - i); ++b) {
      const Nanos newest = in.a[i + b - 1], deadline = in.a[i] + in.slo;
      Nanos s = previous_end ? std::max(newest, *previous_end) : newest;
      for (; s < deadline; ++s) {
        const std::optional<Nanos> gap =
            previous_end ? std::optional<Nanos>(s - *previous_end) : std::nullopt;
        const BatchCharge c = in.model.charge(b, gap);
        if (s + c.service > deadline) continue;  // a later start may be faster (other regime)
        best = std::min(best, c.dynamic_j + rest(i + b, s + c.service, so_far + c.dynamic_j));
      }
    }
    if (!literal && previous_end) memo[i].push_back({previous_end->count(), best});
    return best;
  }
};

// The simulator's loop (src/sim/simulator.cpp) in mean-service mode, charging the same model.
struct Served {
  double energy = 0;
  Nanos worst{0};
};
Served serve(const Instance& in, BatchingPolicy& policy) {
  const std::size_t n = in.a.size();
  Served out;
  QueueView q{in.a.data(), 0, 0, n};
  Nanos now{0};
  std::optional<Nanos> previous_end;
  for (std::size_t decisions = 0; q.head < n;) {
    while (q.tail < n && in.a[q.tail] <= now) ++q.tail;
    if (q.empty()) {
      now = std::max(now, in.a[q.tail]);
      continue;
    }
    if (++decisions > 10 * n + 100) throw std::logic_error("no progress");
    const Decision d = policy.decide(q, now);
    check_decision(policy, q, d, now);
    if (d.kind == Decision::Kind::kDispatch) {
      const BatchCharge c = in.model.charge(
          d.count, previous_end ? std::optional<Nanos>(now - *previous_end) : std::nullopt);
      const Nanos end = now + c.service;
      out.energy += c.dynamic_j;
      out.worst = std::max(out.worst, end - in.a[q.head]);
      q.head += d.count;
      previous_end = end;
      now = end;
    } else if (d.kind == Decision::Kind::kWakeAt) {
      now = q.tail < n ? std::min(d.wake_at, in.a[q.tail]) : d.wake_at;
    } else {
      now = in.a[q.tail];
    }
  }
  out.energy += in.model.idle_power_w() * 1e-9 * static_cast<double>(previous_end->count());
  return out;
}

Instance random_instance(std::mt19937& rng, std::size_t n) {
  Instance in{{}, Nanos(0), 0, random_model(rng)};
  Nanos t(rng() % 5);
  for (std::size_t i = 0; i < n; ++i) {
    if (rng() % 4) t += Nanos(rng() % 12);  // else a burst: same instant
    in.a.push_back(t);
  }
  in.slo = Nanos(6 + rng() % 30);
  in.max = 1 + rng() % 4;
  return in;
}

void check(const Instance& in, bool literal, int& feasible, int& infeasible, int& delayed) {
  BruteForce brute{
      in, literal, {}, std::vector<std::vector<std::pair<int64_t, double>>>(in.a.size() + 1)};
  const double least = brute.rest(0, std::nullopt, 0);
  const auto plan = plan_offline_optimum(in.a, in.slo, in.max, in.model);
  ASSERT_EQ(plan.has_value(), least < kInf);
  const auto costs = std::make_shared<const BatchCosts>(
      BatchCosts({{1, Nanos(1), Nanos(1), 0}})
          .with_model(std::make_shared<const BatchCostModel>(in.model)));
  OfflineOptimalPolicy policy(in.slo, in.max, costs);
  Served served;
  ASSERT_NO_THROW(served = serve(in, policy));
  if (!plan) {
    ++infeasible;
    EXPECT_FALSE(policy.feasible());
    return;
  }
  ++feasible;
  const double tolerance = 1e-9 * std::max(1.0, std::abs(least));
  EXPECT_NEAR(plan->energy_j, least, tolerance);
  for (double e : brute.feasible) EXPECT_GE(e, plan->energy_j - tolerance);
  // The plan is a schedule of the class: sizes within M, starts after the newest arrival and
  // the previous end, every response within T.
  std::size_t first = 0;
  std::optional<Nanos> previous_end;
  for (std::size_t k = 0; k < plan->sizes.size(); ++k) {
    const std::size_t b = plan->sizes[k];
    const Nanos s = plan->starts[k];
    ASSERT_GE(b, 1u);
    ASSERT_LE(b, in.max);
    EXPECT_GE(s, in.a[first + b - 1]);
    if (previous_end) {
      EXPECT_GE(s, *previous_end);
    }
    const BatchCharge c =
        in.model.charge(b, previous_end ? std::optional<Nanos>(s - *previous_end) : std::nullopt);
    EXPECT_LE(s + c.service, in.a[first] + in.slo);
    if (s > std::max(in.a[first + b - 1], previous_end.value_or(Nanos::min()))) ++delayed;
    previous_end = s + c.service;
    first += b;
  }
  EXPECT_EQ(first, in.a.size());
  // The policy dispatches exactly that schedule.
  EXPECT_TRUE(policy.feasible());
  EXPECT_NEAR(served.energy, plan->energy_j, tolerance);
  EXPECT_LE(served.worst, in.slo);
}

TEST(OfflineBound, IsTheLeastEnergyOfEveryScheduleLiterally) {
  std::mt19937 rng(15);
  int feasible = 0, infeasible = 0, delayed = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const Instance in = random_instance(rng, 1 + rng() % 5);
    SCOPED_TRACE("trial " + std::to_string(trial));
    check(in, true, feasible, infeasible, delayed);
    if (HasFailure()) return;
  }
  EXPECT_GT(feasible, 200);
  EXPECT_GT(infeasible, 20);
  // Both kinds of schedule are exercised: some optima start a batch later than they could (the
  // wait shortens the next gap), which a plan of earliest starts alone would miss.
  EXPECT_GT(delayed, 10);
}

TEST(OfflineBound, IsTheLeastEnergyOfEveryScheduleUpToTenRequests) {
  std::mt19937 rng(16);
  int feasible = 0, infeasible = 0, delayed = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    const Instance in = random_instance(rng, 6 + rng() % 5);
    SCOPED_TRACE("trial " + std::to_string(trial));
    check(in, false, feasible, infeasible, delayed);
    if (HasFailure()) return;
  }
  EXPECT_GT(feasible, 500);
  EXPECT_GT(infeasible, 100);
  EXPECT_GT(delayed, 50);
}

}  // namespace
}  // namespace gb
