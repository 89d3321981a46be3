// aimd, slo and offline with a fake clock and made-up cost tables: every rule at exact instants.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "batching/aimd_policy.h"
#include "batching/batch_costs.h"
#include "batching/offline_optimal_policy.h"
#include "batching/policy.h"
#include "batching/slo_policy.h"
#include "common/errors.h"
#include "queue_fixture.h"

namespace gb {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::FakeQueue;

using testing::dispatch;
using testing::kWait;

// Service time 10 ms + 5 ms per image; dynamic energy per batch `fixed` + `per_image` x b.
std::shared_ptr<const BatchCosts> costs(double fixed, double per_image) {
  std::vector<BatchCostPoint> pts;
  for (std::size_t b : {1, 2, 4, 8, 16, 32, 64, 128}) {
    const Nanos s = milliseconds(10) + milliseconds(5) * static_cast<int64_t>(b);
    pts.push_back({b, s, s, fixed + per_image * static_cast<double>(b)});
  }
  return std::make_shared<const BatchCosts>(pts);
}

TEST(BatchCosts, InterpolatesBetweenAndExtrapolatesBeyond) {
  BatchCosts c(
      {{2, milliseconds(20), milliseconds(30), 2.0}, {4, milliseconds(40), milliseconds(50), 3.0}});
  EXPECT_EQ(c.service_mean(3), milliseconds(30));
  EXPECT_EQ(c.service_max(3), milliseconds(45));  // size 2's max, scaled by the means: 30 x 30/20
  EXPECT_DOUBLE_EQ(c.dynamic_j(3), 2.5);
  EXPECT_DOUBLE_EQ(c.dynamic_j(6), 4.0);  // beyond: the last slope
  EXPECT_DOUBLE_EQ(c.dynamic_j(1), 1.5);  // below: the first slope
  EXPECT_THROW(BatchCosts({}), UsageError);
  EXPECT_THROW(BatchCosts({{4, milliseconds(1), milliseconds(1), 1},
                           {2, milliseconds(1), milliseconds(1), 1}}),
               UsageError);
}

TEST(AimdPolicy, GrowsOnFullBatchesUnderTheSloAndCutsByTenPercentAbove) {
  AimdPolicy p(milliseconds(100), 1, 128);
  EXPECT_EQ(p.decide(FakeQueue::with(5).view(), milliseconds(50)), dispatch(1));  // starts at 1
  p.on_batch_done({1, milliseconds(0), milliseconds(20), milliseconds(0)});
  EXPECT_EQ(p.cap(), 2u);
  p.on_batch_done({1, milliseconds(0), milliseconds(20), milliseconds(0)});  // not full: no growth
  EXPECT_EQ(p.cap(), 2u);
  for (int i = 0; i < 28; ++i) p.on_batch_done({p.cap(), milliseconds(0), milliseconds(20), {}});
  EXPECT_EQ(p.cap(), 30u);
  p.on_batch_done({30, milliseconds(0), milliseconds(150), milliseconds(0)});  // over the SLO
  EXPECT_EQ(p.cap(), 27u);
  AimdPolicy small(milliseconds(100));
  small.on_batch_done({1, milliseconds(0), milliseconds(150), {}});
  EXPECT_EQ(small.cap(), 1u);  // never below 1
  EXPECT_EQ(p.decide(FakeQueue::with(0).view(), milliseconds(0)), kWait);
  EXPECT_EQ(p.clone()->describe(), "aimd:slo=100ms");
}

TEST(SloPolicy, WaitsForCheaperBatchesUntilTheLatestSafeStart) {
  // Per-image dynamic energy falls with batch size (fixed cost 1 J per batch), so b* is the
  // largest size whose service fits half the budget: 2 x 1.05 x (10 + 5b) ms <= 1000 ms, b = 93.
  SloPolicy p(milliseconds(1000), 128, costs(1.0, 0.01));
  EXPECT_EQ(p.best_size(), 93u);
  EXPECT_EQ(p.decide(FakeQueue::with(0).view(), milliseconds(0)), kWait);
  // 3 queued, oldest at 0: a batch of 4 must start by 1000 - 1.05 x (10 + 5 x 4) ms = 968.5 ms.
  EXPECT_EQ(p.decide(FakeQueue::with(3).view(), milliseconds(25)),
            Decision::wake_at_time(std::chrono::microseconds(968500)));
  EXPECT_EQ(p.decide(FakeQueue::with(3).view(), std::chrono::microseconds(968500)), dispatch(3));
  // With a 300 ms budget: 2 x 1.05 x (10 + 5b) <= 300 gives b* = 26.
  EXPECT_EQ(SloPolicy(milliseconds(300), 128, costs(1.0, 0.01)).best_size(), 26u);
  // b* queued, or the stream has ended: at once.
  EXPECT_EQ(p.decide(FakeQueue::with(93).view(), milliseconds(25)), dispatch(93));
  EXPECT_EQ(p.decide(FakeQueue::with(3, 0).view(), milliseconds(25)), dispatch(3));
}

// `queued` requests: the oldest at 0, the others at `rest`; more still to come.
FakeQueue oldest_then_rest(std::size_t queued, Nanos rest) {
  FakeQueue q = FakeQueue::with(queued, 10, rest, milliseconds(0));
  q.arrivals[0] = milliseconds(0);
  return q;
}

TEST(SloPolicy, SplitsABacklogSoEveryQueuedDeadlineHolds) {
  SloPolicy p(milliseconds(1000), 128, costs(1.0, 0.01));  // L = 93
  // 120 queued at 500 ms, the oldest since 0: all 120 at once would end at 500 + 1.05 x 610 ms,
  // 140 ms past the oldest's deadline. Two batches meet every deadline at s(b); of the splits
  // that free the model equally early, the one with the largest first batch: 93 (ends at 998.75
  // ms). But 119 arrived at one instant, faster than any batch serves them, and 93 is less than
  // what keeps up: the plan at the mean service times starts with more, 98 (ends at 1000 ms).
  EXPECT_EQ(p.decide(oldest_then_rest(120, milliseconds(400)).view(), milliseconds(500)),
            dispatch(98));
  // Under L but too late for one batch: 10 queued at 940 ms, the oldest since 0. A batch of 10
  // would end at 1003 ms; 9 end at 997.75 ms and the last one has until 1900 ms.
  EXPECT_EQ(p.decide(oldest_then_rest(10, milliseconds(900)).view(), milliseconds(940)),
            dispatch(9));
  // A backlog no split clears in time (200 queued since 0: 1 s of service): greedy up to max.
  EXPECT_EQ(
      p.decide(FakeQueue::with(200, 0, milliseconds(0), milliseconds(0)).view(), milliseconds(25)),
      dispatch(128));
  // One batch meets every deadline: all of it, even above L.
  EXPECT_EQ(
      p.decide(FakeQueue::with(120, 0, milliseconds(0), milliseconds(0)).view(), milliseconds(0)),
      dispatch(120));
}

TEST(SloPolicy, PlansAtMeanServiceTimesWhenTheLongestCannotMeetEveryDeadline) {
  // The longest measured service time is 1.5 x the mean (10 + 5b ms); T = 100 ms gives L = 4.
  std::vector<BatchCostPoint> pts;
  for (std::size_t b : {1, 2, 4, 8, 16, 32}) {
    const Nanos mean = milliseconds(10) + milliseconds(5) * static_cast<int64_t>(b);
    pts.push_back({b, mean, mean * 3 / 2, 1.0 + 0.01 * static_cast<double>(b)});
  }
  SloPolicy p(milliseconds(100), 32, std::make_shared<const BatchCosts>(pts));
  // 16 queued at 30 ms, the oldest since 0, the rest since 60 ms. Planned at the longest times no
  // split meets every deadline; at the means, 12 (ending at 100 ms) then 4 (at 130 ms) do.
  // Greedy would take all 16 and end at 120 ms.
  EXPECT_EQ(p.decide(oldest_then_rest(16, milliseconds(60)).view(), milliseconds(30)),
            dispatch(12));
}

TEST(SloPolicy, DispatchesAtOnceWhereLargerBatchesCostMore) {
  // No fixed cost, per-image cost rising with the batch (DenseNet in the paper): b* = 1.
  std::vector<BatchCostPoint> pts;
  for (std::size_t b : {1, 2, 4, 8, 16, 32, 64, 128}) {
    pts.push_back({b, milliseconds(5) * static_cast<int64_t>(b),
                   milliseconds(5) * static_cast<int64_t>(b),
                   0.1 * static_cast<double>(b) * (1 + 0.01 * static_cast<double>(b))});
  }
  SloPolicy p(milliseconds(1000), 128, std::make_shared<const BatchCosts>(pts));
  EXPECT_EQ(p.best_size(), 1u);
  EXPECT_EQ(p.decide(FakeQueue::with(3).view(), milliseconds(25)), dispatch(3));
}

TEST(SloPolicy, StopsWaitingOnceTheCheapestSizeIsQueued) {
  // Cheapest per image at 8, dearer above (a U-shaped table).
  std::vector<BatchCostPoint> pts;
  for (std::size_t b : {1, 2, 4, 8, 16, 32}) {
    const double per =
        b <= 8 ? 1.0 / static_cast<double>(b) : 0.125 + 0.01 * static_cast<double>(b);
    pts.push_back({b, milliseconds(b), milliseconds(b), per * static_cast<double>(b)});
  }
  SloPolicy p(milliseconds(500), 32, std::make_shared<const BatchCosts>(pts));
  EXPECT_EQ(p.best_size(), 8u);
  EXPECT_EQ(p.decide(FakeQueue::with(4).view(), milliseconds(40)).kind, Decision::Kind::kWakeAt);
  EXPECT_EQ(p.decide(FakeQueue::with(8).view(), milliseconds(70)), dispatch(8));
  EXPECT_EQ(p.decide(FakeQueue::with(12).view(), milliseconds(110)), dispatch(12));
}

TEST(OfflineOptimum, BatchesAsLargeAsTheBudgetAllows) {
  // Arrivals every 10 ms; service 10 + 5b ms; per-batch energy 1 J + 0.01 J/image, so fewer,
  // larger batches are cheaper. With T = 100 ms, a batch [i, j) must end by a_i + 100 ms.
  std::vector<Nanos> a;
  for (int i = 0; i < 20; ++i) a.push_back(milliseconds(10 * i));
  const auto c = costs(1.0, 0.01);
  const auto plan = plan_offline_optimum(a, milliseconds(100), 128, *c);
  ASSERT_TRUE(plan);
  std::size_t total = 0;
  for (std::size_t b : plan->sizes) total += b;
  EXPECT_EQ(total, 20u);
  // 20 requests have too many splits to enumerate: feasibility here, optimality against brute
  // force on small streams in PlanIsTheCheapestSplitWithinTheBudget.
  Nanos free_at{-1000000000};
  std::size_t i = 0;
  for (std::size_t b : plan->sizes) {
    const Nanos end = std::max(free_at, a[i + b - 1]) + c->service_mean(b);
    EXPECT_LE(end, a[i] + milliseconds(100)) << "batch at " << i << " of " << b;
    free_at = end;
    i += b;
  }
  EXPECT_LE(plan->sizes.size(), 6u);
  // An impossible budget has no plan.
  EXPECT_FALSE(plan_offline_optimum(a, milliseconds(5), 128, *c));
}

TEST(OfflineOptimum, PolicyDispatchesThePlan) {
  OfflineOptimalPolicy p(milliseconds(100), 128, costs(1.0, 0.01));
  FakeQueue q = FakeQueue::with(1, 19);
  const Decision first = p.decide(q.view(), milliseconds(0));
  EXPECT_TRUE(p.feasible());
  EXPECT_EQ(first, kWait);  // the first planned batch holds more than one request
  q.tail = 20;
  const Decision d = p.decide(q.view(), milliseconds(200));
  ASSERT_EQ(d.kind, Decision::Kind::kDispatch);
  EXPECT_GT(d.count, 1u);
}

// A random profile: a fixed energy per batch plus a share per image, with noise, so that batching
// saves more or less energy and at some sizes none. Energies are multiples of 1/8 J: interpolated
// energies and their sums are then exact in binary, so plans of equal energy tie exactly and ==
// compares them.
BatchCosts random_dyadic_costs(std::mt19937& rng) {
  const auto eighths = [&](uint32_t most) { return static_cast<double>(rng() % (most + 1)) / 8; };
  const double fixed = eighths(24), per_image = 0.125 + eighths(8);
  std::vector<BatchCostPoint> pts;
  Nanos service = microseconds(2000 + rng() % 10000);
  for (std::size_t b : {1, 2, 4, 8}) {
    // The longest service time differs from the mean: the plan must use the mean.
    pts.push_back(
        {b, service, service * 5 / 4, fixed + per_image * static_cast<double>(b) + eighths(6)});
    service += microseconds(1000 + rng() % 12000);
  }
  return BatchCosts(pts);
}

struct Schedule {
  bool meets_budget = true;
  double energy = 0;
  Nanos end{0};  // when the last batch ends
};

// offline_optimal_policy.h's model, applied literally to one split of the stream: batches served
// one at a time, each starting when its newest request has arrived and the previous batch has
// ended, taking the mean service time.
Schedule schedule_of(const std::vector<Nanos>& a, const std::vector<std::size_t>& sizes, Nanos slo,
                     const BatchCosts& costs) {
  Schedule s;
  std::size_t first = 0;
  for (std::size_t b : sizes) {
    const Nanos newest = a[first + b - 1];
    s.end = (first == 0 ? newest : std::max(s.end, newest)) + costs.service_mean(b);
    s.energy += costs.dynamic_j(b);
    for (std::size_t i = first; i < first + b; ++i) s.meets_budget &= s.end - a[i] <= slo;
    first += b;
  }
  return s;
}

struct Served {
  std::vector<std::size_t> sizes;
  double energy = 0;
  Nanos worst_response{0};
};

// simulate_stream's loop (src/sim/simulator.cpp) with the offline model's service times: every
// batch takes exactly the profile's mean. Throws std::logic_error on a broken contract.
Served serve(const std::vector<Nanos>& a, BatchingPolicy& policy, const BatchCosts& costs) {
  const std::size_t n = a.size();
  Served out;
  QueueView q{a.data(), 0, 0, n};
  Nanos now{0};
  for (std::size_t decisions = 0; q.head < n;) {
    while (q.tail < n && a[q.tail] <= now) ++q.tail;
    if (q.empty()) {
      now = a[q.tail];
      continue;
    }
    if (++decisions > 3 * n) throw std::logic_error("no progress: the queue is stranded");
    const Decision d = policy.decide(q, now);
    check_decision(policy, q, d, now);
    switch (d.kind) {
      case Decision::Kind::kDispatch: {
        const Nanos end = now + costs.service_mean(d.count);
        out.sizes.push_back(d.count);
        out.energy += costs.dynamic_j(d.count);
        for (std::size_t i = q.head; i < q.head + d.count; ++i) {
          out.worst_response = std::max(out.worst_response, end - a[i]);
        }
        policy.on_batch_done({d.count, now, end, a[q.head]});
        q.head += d.count;
        now = end;
        break;
      }
      case Decision::Kind::kWakeAt:
        now = q.tail < n ? std::min(d.wake_at, a[q.tail]) : d.wake_at;
        break;
      case Decision::Kind::kWaitForArrival:
        now = a[q.tail];
        break;
    }
  }
  return out;
}

// The header's claim, checked exhaustively: over every split of the stream into consecutive
// batches of at most M, the plan has the least dynamic energy of those meeting T for every
// request, and is absent exactly when none does. Among equally cheap splits it ends earliest (the
// tie-break the implementation states). The policy then dispatches exactly that plan.
TEST(OfflineOptimum, PlanIsTheCheapestSplitWithinTheBudget) {
  std::mt19937 rng(11);
  int feasible = 0, infeasible = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const auto costs = std::make_shared<const BatchCosts>(random_dyadic_costs(rng));
    const std::size_t n = 6 + rng() % 4;
    std::vector<Nanos> a;
    Nanos t = microseconds(rng() % 5000);
    for (std::size_t i = 0; i < n; ++i) {
      if (rng() % 4) t += microseconds(rng() % 25000);  // else a burst: same instant
      a.push_back(t);
    }
    const Nanos slo = milliseconds(5 + rng() % 100);
    const std::size_t max = 1 + rng() % (n + 1);
    SCOPED_TRACE("trial " + std::to_string(trial) + ": " + std::to_string(n) + " requests, T = " +
                 std::to_string(slo.count()) + " ns, M = " + std::to_string(max));

    // Bit i of `cuts` set: a batch ends after request i.
    std::optional<Schedule> best;
    for (uint32_t cuts = 0; cuts < (1u << (n - 1)); ++cuts) {
      std::vector<std::size_t> sizes;
      std::size_t size = 0;
      for (std::size_t i = 0; i < n; ++i) {
        ++size;
        if (i == n - 1 || (cuts >> i & 1u)) {
          sizes.push_back(size);
          size = 0;
        }
      }
      if (*std::max_element(sizes.begin(), sizes.end()) > max) continue;
      const Schedule s = schedule_of(a, sizes, slo, *costs);
      if (!s.meets_budget) continue;
      if (!best || s.energy < best->energy || (s.energy == best->energy && s.end < best->end)) {
        best = s;
      }
    }

    const auto plan = plan_offline_optimum(a, slo, max, *costs);
    ASSERT_EQ(plan.has_value(), best.has_value());
    OfflineOptimalPolicy policy(slo, max, costs);
    Served served;
    ASSERT_NO_THROW(served = serve(a, policy, *costs));
    if (plan) {
      ++feasible;
      std::size_t total = 0;
      for (std::size_t b : plan->sizes) {
        EXPECT_GE(b, 1u);
        EXPECT_LE(b, max);
        total += b;
      }
      ASSERT_EQ(total, n);
      const Schedule got = schedule_of(a, plan->sizes, slo, *costs);
      EXPECT_TRUE(got.meets_budget);
      EXPECT_EQ(got.energy, best->energy);
      EXPECT_EQ(got.end.count(), best->end.count());

      EXPECT_TRUE(policy.feasible());
      EXPECT_EQ(served.sizes, plan->sizes);
      EXPECT_LE(served.worst_response.count(), slo.count());
      EXPECT_EQ(served.energy, best->energy);
    } else {
      ++infeasible;
      EXPECT_FALSE(policy.feasible());
      for (std::size_t b : served.sizes) EXPECT_LE(b, max);  // greedy up to M
    }
    if (HasFailure()) return;  // one counterexample says it; a thousand would bury it
  }
  // Both outcomes are exercised, not just one.
  EXPECT_GT(feasible, 1000);
  EXPECT_GT(infeasible, 300);
}

TEST(ParsePolicy, ProfileDrivenPoliciesNeedCostsAndRoundTrip) {
  EXPECT_THROW(parse_policy("slo:250ms"), UsageError);
  EXPECT_THROW(parse_policy("offline:1s"), UsageError);
  EXPECT_EQ(canonical_policy("slo:250ms"), "slo:250ms");
  EXPECT_EQ(canonical_policy("offline:1s,max=64"), "offline:1s,max=64");
  EXPECT_EQ(policy_max_batch("slo:1s,max=32"), 32u);
  EXPECT_EQ(parse_policy("slo:0.25s", costs(1, 0.01))->describe(), "slo:250ms");
  EXPECT_EQ(parse_policy("aimd:slo=250ms,step=2")->describe(), "aimd:slo=250ms,step=2");
  EXPECT_THROW(parse_policy("aimd"), UsageError);
  EXPECT_THROW(parse_policy("aimd:slo=0ms"), UsageError);
  EXPECT_THROW(parse_policy("slo"), UsageError);
  EXPECT_THROW(parse_policy("slo:fast", costs(1, 0.01)), UsageError);
}

}  // namespace
}  // namespace gb
