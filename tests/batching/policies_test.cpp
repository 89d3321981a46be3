#include <gtest/gtest.h>

#include <random>

#include "batching/fixed_policy.h"
#include "batching/greedy_policy.h"
#include "batching/policy.h"
#include "batching/triton_policy.h"
#include "common/errors.h"
#include "queue_fixture.h"

namespace gb {
namespace {

using std::chrono::milliseconds;
using testing::FakeQueue;

const Decision kWait = Decision::wait_for_arrival();
Decision dispatch(std::size_t n) { return Decision::dispatch(n); }
Decision wake(Nanos t) { return Decision::wake_at_time(t); }

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

TEST(TritonPolicy, DefaultPreferredIsMax) {
  TritonPolicy p(8, {}, milliseconds(100));
  auto q = FakeQueue::with(5, 100, milliseconds(0));
  EXPECT_EQ(p.decide(q.view(), milliseconds(50)), wake(milliseconds(100)));
  EXPECT_EQ(p.decide(q.view(), milliseconds(100)), dispatch(5));
  EXPECT_EQ(p.decide(FakeQueue::with(12).view(), milliseconds(0)), dispatch(8));
}

TEST(TritonPolicy, LargestPreferredGoesAtOnce) {
  TritonPolicy p(16, {4, 8}, milliseconds(100));
  EXPECT_EQ(p.decide(FakeQueue::with(9).view(), milliseconds(0)), dispatch(8));
}

TEST(TritonPolicy, AtExpirySendsLargestFormablePreferredSize) {
  TritonPolicy p(16, {4, 8}, milliseconds(100));
  auto q = FakeQueue::with(7, 100, milliseconds(0), milliseconds(1));
  EXPECT_EQ(p.decide(q.view(), milliseconds(99)), wake(milliseconds(100)));
  EXPECT_EQ(p.decide(q.view(), milliseconds(100)), dispatch(4));
}

TEST(TritonPolicy, AtExpiryWithNoFormablePreferredSendsAllQueued) {
  TritonPolicy p(16, {4, 8}, milliseconds(100));
  EXPECT_EQ(p.decide(FakeQueue::with(3).view(), milliseconds(100)), dispatch(3));
}

TEST(TritonPolicy, DelayZeroDoesNotWait) {
  TritonPolicy p(32, {}, Nanos(0));
  EXPECT_EQ(p.decide(FakeQueue::with(3).view(), milliseconds(0)), dispatch(3));
  EXPECT_EQ(p.decide(FakeQueue::with(0).view(), milliseconds(0)), kWait);
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

// Contract check over many random queue states: whatever a policy answers is something the runner
// and the simulator can act on.
TEST(PolicyContract, HoldsForRandomQueues) {
  std::mt19937 rng(7);
  for (const char* spec : {"fixed:8", "fixed:8,timeout=20ms", "greedy:5", "triton:max=8,delay=20ms",
                           "triton:max=16,preferred=4|8,delay=0s"}) {
    auto policy = parse_policy(spec);
    for (int trial = 0; trial < 2000; ++trial) {
      const std::size_t total = 1 + rng() % 40;
      auto q = FakeQueue::with(0, total, milliseconds(0), milliseconds(rng() % 7));
      q.tail = rng() % (total + 1);
      q.head = q.tail == 0 ? 0 : rng() % (q.tail + 1);
      const Nanos now = q.view().empty() ? milliseconds(rng() % 500)
                                         : q.view().oldest_arrival() + milliseconds(rng() % 50);
      const Decision d = policy->decide(q.view(), now);
      switch (d.kind) {
        case Decision::Kind::kDispatch:
          EXPECT_GE(d.count, 1u) << spec;
          EXPECT_LE(d.count, q.view().size()) << spec;
          EXPECT_LE(d.count, policy->max_batch()) << spec;
          break;
        case Decision::Kind::kWakeAt:
          EXPECT_GT(d.wake_at, now) << spec;
          EXPECT_FALSE(q.view().empty()) << spec;
          break;
        case Decision::Kind::kWaitForArrival:
          EXPECT_TRUE(q.view().empty() || !q.view().stream_ended()) << spec;
          EXPECT_FALSE(q.view().stream_ended() && !q.view().empty()) << spec;
          break;
      }
    }
  }
}

}  // namespace
}  // namespace gb
