#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "batching/aimd_policy.h"
#include "batching/batch_costs.h"
#include "batching/fixed_policy.h"
#include "batching/greedy_policy.h"
#include "batching/policy.h"
#include "batching/policy_spec.h"
#include "batching/triton_policy.h"
#include "common/errors.h"
#include "queue_fixture.h"

namespace gb {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::FakeQueue;

using testing::dispatch;
using testing::kWait;
using testing::wake;

TEST(FixedPolicy, WaitsUntilFullThenDispatchesExactlyN) {
  FixedPolicy p(4);
  EXPECT_EQ(p.decide(FakeQueue::with(0).view(), milliseconds(0)), kWait);
  EXPECT_EQ(p.decide(FakeQueue::with(3).view(), milliseconds(100)), kWait);
  EXPECT_EQ(p.decide(FakeQueue::with(4).view(), milliseconds(100)), dispatch(4));
  EXPECT_EQ(p.decide(FakeQueue::with(9).view(), milliseconds(100)), dispatch(4));
}

TEST(FixedPolicy, NoTimeoutMeansWaitingForeverMidStream) {
  FixedPolicy p(16);
  EXPECT_EQ(p.decide(FakeQueue::with(1).view(), std::chrono::hours(1)), kWait);
}

TEST(FixedPolicy, FlushesTheRemainderAtEndOfStream) {
  FixedPolicy p(16);
  EXPECT_EQ(p.decide(FakeQueue::with(5, 0).view(), milliseconds(0)), dispatch(5));
  EXPECT_EQ(p.decide(FakeQueue::with(20, 0).view(), milliseconds(0)), dispatch(16));
}

TEST(FixedPolicyTimeout, WakesAtOldestPlusTimeout) {
  FixedPolicy p(8, milliseconds(250));
  auto q = FakeQueue::with(2, 100, milliseconds(1000));
  EXPECT_EQ(p.decide(q.view(), milliseconds(1010)), wake(milliseconds(1250)));
}

TEST(FixedPolicyTimeout, DispatchesWhenTimeoutExactlyReached) {
  FixedPolicy p(8, milliseconds(250));
  auto q = FakeQueue::with(3, 100, milliseconds(1000));
  EXPECT_EQ(p.decide(q.view(), milliseconds(1250) - Nanos(1)), wake(milliseconds(1250)));
  EXPECT_EQ(p.decide(q.view(), milliseconds(1250)), dispatch(3));
  EXPECT_EQ(p.decide(q.view(), milliseconds(5000)), dispatch(3));
}

TEST(FixedPolicyTimeout, FullBatchGoesBeforeTheTimeout) {
  FixedPolicy p(8, milliseconds(250));
  EXPECT_EQ(p.decide(FakeQueue::with(8).view(), milliseconds(0)), dispatch(8));
}

TEST(FixedPolicyTimeout, TimeoutZeroIsGreedyUpToN) {
  FixedPolicy p(8, Nanos(0));
  EXPECT_EQ(p.decide(FakeQueue::with(3).view(), milliseconds(20)), dispatch(3));
}

TEST(GreedyPolicy, TakesEverythingQueuedUpToCap) {
  GreedyPolicy p;
  EXPECT_EQ(p.decide(FakeQueue::with(0).view(), milliseconds(0)), kWait);
  EXPECT_EQ(p.decide(FakeQueue::with(1).view(), milliseconds(0)), dispatch(1));
  EXPECT_EQ(p.decide(FakeQueue::with(77).view(), milliseconds(0)), dispatch(77));
  EXPECT_EQ(p.decide(FakeQueue::with(300).view(), milliseconds(0)), dispatch(128));
}

TEST(GreedyPolicy, CapSmallerThanQueue) {
  GreedyPolicy p(4);
  EXPECT_EQ(p.decide(FakeQueue::with(10).view(), milliseconds(0)), dispatch(4));
  EXPECT_EQ(p.decide(FakeQueue::with(10, 0).view(), milliseconds(0)), dispatch(4));
}

// Queue states and the decision Triton's dynamic batcher takes for them with a free instance,
// each row derived from GetDynamicBatch() in triton-inference-server/core at 73aad7c (rules A-D of
// docs/policies.md): n = min(queued, M), best = the largest preferred size <= n.
struct TritonCase {
  const char* why;
  std::size_t max;
  std::vector<std::size_t> preferred;
  Nanos delay;
  std::size_t queued;
  Nanos now;  // the oldest queued request arrived at 0, the others 1 ms apart
  Decision expected;
};

TEST(TritonPolicy, DecidesAsTritonsDynamicBatcher) {
  const Nanos D = milliseconds(500), zero{0};
  const std::vector<TritonCase> cases = {
      {"rule A: a preferred size formed goes at once, no waiting for a larger one",
       16,
       {4, 16},
       D,
       4,
       milliseconds(94),
       dispatch(4)},
      {"rule A: the largest preferred size that fits",
       32,
       {4, 16},
       D,
       20,
       milliseconds(30),
       dispatch(16)},
      {"rule A: the scan stops at M", 16, {4, 8}, D, 20, milliseconds(30), dispatch(8)},
      {"below every preferred size: wait for the delay",
       16,
       {4, 16},
       D,
       3,
       milliseconds(62),
       wake(D)},
      {"rule C/D: at expiry everything up to M, not cut to a preferred size",
       16,
       {4, 8},
       D,
       7,
       D,
       dispatch(7)},
      {"rule C: at expiry with more than M queued, M", 16, {4, 8}, D, 20, D, dispatch(16)},
      {"rule D: at expiry below every preferred size, all",
       16,
       {4, 8},
       D,
       3,
       D + milliseconds(1),
       dispatch(3)},
      {"delay 0 with preferred sizes is not greedy: the largest preferred that fits",
       16,
       {4, 16},
       zero,
       10,
       zero,
       dispatch(4)},
      {"delay 0, below every preferred size: all (rule D)",
       16,
       {4, 16},
       zero,
       2,
       zero,
       dispatch(2)},
      {"no preferred sizes means {M}: wait below M",
       8,
       {},
       milliseconds(100),
       5,
       milliseconds(50),
       wake(milliseconds(100))},
      {"no preferred sizes: at expiry, all",
       8,
       {},
       milliseconds(100),
       5,
       milliseconds(100),
       dispatch(5)},
      {"no preferred sizes: M queued goes at once",
       8,
       {},
       milliseconds(100),
       12,
       zero,
       dispatch(8)},
      {"no preferred sizes, delay 0: greedy up to M", 32, {}, zero, 3, zero, dispatch(3)},
      {"no preferred sizes, delay 0, more than M: M", 32, {}, zero, 40, zero, dispatch(32)},
      {"nothing queued: wait for an arrival", 16, {4, 16}, D, 0, zero, kWait},
  };
  for (const TritonCase& c : cases) {
    TritonPolicy p(c.max, c.preferred, c.delay);
    const auto q = FakeQueue::with(c.queued, 100, Nanos(0), milliseconds(1));
    EXPECT_EQ(p.decide(q.view(), c.now), c.expected) << c.why;
  }
}

// Triton's own example in docs/policies.md: preferred 4|16, delay 500 ms, a request every
// 31.25 ms. Triton sends a batch of 4 as soon as the fourth arrives (93.75 ms), never one of 16.
TEST(TritonPolicy, PreferredSizesTriggerASendNotAWait) {
  TritonPolicy p(16, {4, 16}, milliseconds(500));
  const Nanos gap = std::chrono::microseconds(31250);
  auto q = FakeQueue::with(3, 100, Nanos(0), gap);
  EXPECT_EQ(p.decide(q.view(), 2 * gap), wake(milliseconds(500)));
  q.tail = 4;
  EXPECT_EQ(p.decide(q.view(), 3 * gap), dispatch(4));
}

TEST(ParsePolicy, AcceptsEveryFormAndRoundTrips) {
  for (const char* spec : {"fixed:16", "fixed:16,timeout=250ms", "greedy:128", "greedy:4",
                           "triton:max=32,delay=5ms", "triton:max=32,preferred=8|16,delay=500us"}) {
    auto p = parse_policy(spec);
    EXPECT_EQ(p->describe(), spec);
    EXPECT_EQ(parse_policy(p->describe())->describe(), spec);
  }
  EXPECT_EQ(parse_policy("greedy")->describe(), "greedy:128");
  EXPECT_EQ(parse_policy("triton:max=8")->describe(), "triton:max=8,delay=0s");
  EXPECT_EQ(parse_policy("triton:max=8,preferred=8|2|2")->describe(),
            "triton:max=8,preferred=2|8,delay=0s");
  EXPECT_EQ(parse_policy("fixed:16,timeout=1s")->max_batch(), 16u);
}

TEST(PolicySpec, ParsedOnceIntoTypedSettingsThatRoundTrip) {
  const PolicySpec t = PolicySpec::parse("triton:max=32,preferred=16|8,delay=500us");
  EXPECT_EQ(t.kind, PolicySpec::Kind::kTriton);
  EXPECT_EQ(t.max_batch(), 32u);
  EXPECT_EQ(t.preferred, (std::vector<std::size_t>{8, 16}));
  EXPECT_EQ(t.delay, std::chrono::microseconds(500));
  EXPECT_EQ(t.canonical(), "triton:max=32,preferred=8|16,delay=500us");
  for (const char* spec : {"fixed:4,timeout=1s", "greedy", "aimd:slo=250ms,step=2,max=64",
                           "slo:1s,max=32", "offline:500ms", "triton:max=8"}) {
    const PolicySpec p = PolicySpec::parse(spec);
    EXPECT_EQ(PolicySpec::parse(p.canonical()), p) << spec;
    EXPECT_EQ(p.build(std::make_shared<const BatchCosts>(
                          std::vector<BatchCostPoint>{{1, Nanos(1), Nanos(1), 1.0}}))
                  ->describe(),
              p.canonical());
  }
  EXPECT_TRUE(PolicySpec::parse("slo:1s").needs_costs());
  EXPECT_FALSE(PolicySpec::parse("aimd:slo=1s").needs_costs());
  EXPECT_EQ(PolicySpec::parse("fixed:8").batch_size_label(), "8");
  EXPECT_EQ(PolicySpec::parse("fixed:8,timeout=1s").batch_size_label(), "fixed:8,timeout=1s");
  EXPECT_EQ(PolicySpec::parse("greedy:4").batch_size_label(), "greedy:4");
  EXPECT_THROW(PolicySpec::parse("slo:1s").build(), UsageError);
}

TEST(ParsePolicy, RejectsMalformedSpecsWithAMessageNamingThem) {
  for (const char* bad :
       {"fixed:0", "fixed:abc", "fixed:-3", "fixed", "fixed:", "fixed:8,timeout=-1ms",
        "fixed:8,timeout=5", "fixed:8,wait=5ms", "fixed:8,timeout=1ms,timeout=2ms", "greedy:0",
        "greedy:x", "triton:delay=5ms", "triton:max=8,preferred=16", "triton:8", "slow:3", "",
        "fixed:8,,timeout=1ms", "fixed:100000"}) {
    try {
      parse_policy(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("policy '" + std::string(bad) + "'"), std::string::npos)
          << e.what();
    }
  }
}

// A GPU-like profile: a fixed cost per batch that larger batches share, so slo and offline have a
// reason to wait, and a longest service time 1.3 x the mean.
std::shared_ptr<const BatchCosts> plausible_costs() {
  std::vector<BatchCostPoint> pts;
  for (std::size_t b : {1, 2, 4, 8, 16, 32}) {
    const Nanos mean = microseconds(8000 + 1500 * static_cast<int64_t>(b));
    pts.push_back({b, mean, mean * 13 / 10, 0.5 + 0.05 * static_cast<double>(b)});
  }
  return std::make_shared<const BatchCosts>(pts);
}

// Every kind parse_policy builds. The settings make the random streams below reach each branch:
// slo:40ms forms batches of at most 4, slo:1s,max=8 plans backlogs longer than its max,
// offline:15ms finds no plan for most streams (and serves greedily), and aimd's 30 ms SLO lies
// within the service times its cap reaches.
const char* const kEveryPolicyKind[] = {"fixed:8",
                                        "fixed:1",
                                        "fixed:8,timeout=20ms",
                                        "fixed:4,timeout=0s",
                                        "greedy",
                                        "greedy:5",
                                        "triton:max=8,delay=0s",
                                        "triton:max=8,delay=20ms",
                                        "triton:max=16,preferred=4|8,delay=0s",
                                        "triton:max=16,preferred=4|8,delay=15ms",
                                        "torchserve:batch=8,delay=20ms",
                                        "torchserve:batch=4,delay=0s",
                                        "torchserve:batch=1,delay=5ms",
                                        "aimd:slo=30ms,max=16",
                                        "aimd:slo=30ms,step=3,max=16",
                                        "slo:100ms,max=32",
                                        "slo:40ms",
                                        "slo:1s",
                                        "slo:1s,max=8",
                                        "offline:100ms,max=16",
                                        "offline:15ms"};

// Bursts (requests at one instant), short gaps and pauses long enough for every timeout to expire.
std::vector<Nanos> random_arrivals(std::mt19937& rng, std::size_t n) {
  std::vector<Nanos> a;
  Nanos t = microseconds(rng() % 5000);
  for (std::size_t i = 0; i < n; ++i) {
    switch (rng() % 4) {
      case 0:
        break;
      case 1:
      case 2:
        t += microseconds(rng() % 8000);
        break;
      default:
        t += microseconds(rng() % 120000);
    }
    a.push_back(t);
  }
  return a;
}

// The check the runner and the simulator apply to every decision, and the bound max_batch()
// promises (the runner preallocates and warms up to it, so a larger batch would break a real run
// even though check_decision lets it pass).
::testing::AssertionResult decide_checked(BatchingPolicy& policy, const QueueView& q, Nanos now,
                                          Decision& d) {
  d = policy.decide(q, now);
  const auto state = [&] {
    return " (queue [" + std::to_string(q.head) + ", " + std::to_string(q.tail) + ") of " +
           std::to_string(q.total) + " at " + std::to_string(now.count()) + " ns)";
  };
  try {
    check_decision(policy, q, d, now);
  } catch (const std::logic_error& e) {
    return ::testing::AssertionFailure() << e.what() << state();
  }
  if (d.kind == Decision::Kind::kDispatch && d.count > policy.max_batch()) {
    return ::testing::AssertionFailure()
           << policy.describe() << " dispatched " << d.count << ", above its max_batch "
           << policy.max_batch() << state();
  }
  return ::testing::AssertionSuccess();
}

// Whatever a policy answers is something the runner and the simulator can act on.
TEST(PolicyContract, HoldsForRandomQueues) {
  const auto costs = plausible_costs();
  std::mt19937 rng(7);
  for (const char* spec : kEveryPolicyKind) {
    SCOPED_TRACE(spec);
    const auto prototype = parse_policy(spec, costs);
    Decision d;

    // Snapshots: any queue the runner could show, at any time from its newest release on. Each on
    // a fresh copy, so offline plans for the stream it is shown, after random batches that leave
    // aimd at any cap.
    for (int trial = 0; trial < 1500; ++trial) {
      const std::size_t total = 1 + rng() % 40;
      const std::vector<Nanos> arrivals = random_arrivals(rng, total);
      const std::size_t tail = rng() % (total + 1);
      const std::size_t head = rng() % (tail + 1);
      if (head == total) continue;  // the stream is served: nobody asks
      const Nanos newest = tail > 0 ? arrivals[tail - 1] : Nanos(0);
      const Nanos now = newest + microseconds(rng() % 60000);
      auto policy = prototype->clone();
      for (std::size_t k = rng() % 20; k > 0; --k) {
        const Nanos start = microseconds(rng() % 100000);
        policy->on_batch_done({1 + rng() % policy->max_batch(), start,
                               start + microseconds(rng() % 60000), start - milliseconds(1)});
      }
      ASSERT_TRUE(decide_checked(*policy, QueueView{arrivals.data(), head, tail, total}, now, d));
    }

    // Whole streams on a virtual clock, as the simulator serves them, with each batch's outcome fed
    // back. Service times scatter from half to twice the profile's mean, so aimd meets batches both
    // within and beyond its SLO; the dispatcher notices some wake-ups and arrivals up to 2 ms late,
    // as the real runner does.
    bool aimd_grew = false, aimd_cut = false;
    for (int stream = 0; stream < 300; ++stream) {
      const std::size_t n = 1 + rng() % 60;
      const std::vector<Nanos> arrivals = random_arrivals(rng, n);
      auto policy = prototype->clone();
      const auto* aimd = dynamic_cast<const AimdPolicy*>(policy.get());
      const auto late = [&] { return rng() % 3 ? Nanos(0) : microseconds(rng() % 2000); };
      QueueView q{arrivals.data(), 0, 0, n};
      Nanos now{0};
      // Today's policies need at most 3n decisions (n dispatches, n that end at an arrival, n
      // wake-ups that dispatch); far more means wake-ups that never dispatch, stranding the queue.
      std::size_t decisions_left = 10 * n + 100;
      while (q.head < n) {
        while (q.tail < n && arrivals[q.tail] <= now) ++q.tail;
        if (q.empty()) {
          now = arrivals[q.tail] + late();
          continue;
        }
        ASSERT_GT(decisions_left--, 0u) << "no progress at request " << q.head << " of " << n;
        ASSERT_TRUE(decide_checked(*policy, q, now, d));
        switch (d.kind) {
          case Decision::Kind::kDispatch: {
            const int64_t percent = 50 + static_cast<int64_t>(rng() % 151);
            const Nanos end = now + costs->service_mean(d.count) * percent / 100;
            const std::size_t cap_before = aimd ? aimd->cap() : 0;
            policy->on_batch_done({d.count, now, end, arrivals[q.head]});
            if (aimd) {
              aimd_grew |= aimd->cap() > cap_before;
              aimd_cut |= aimd->cap() < cap_before;
            }
            q.head += d.count;
            now = end;
            break;
          }
          case Decision::Kind::kWakeAt:
            now = (q.tail < n ? std::min(d.wake_at, arrivals[q.tail]) : d.wake_at) + late();
            break;
          case Decision::Kind::kWaitForArrival:
            now = arrivals[q.tail] + late();
            break;
        }
      }
    }
    if (dynamic_cast<const AimdPolicy*>(prototype.get())) {
      EXPECT_TRUE(aimd_grew && aimd_cut) << "the streams never moved aimd's cap both ways";
    }
  }
}

}  // namespace
}  // namespace gb
