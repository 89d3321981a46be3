// torchserve:batch=N,delay=T on a fake clock: each rule of TorchServe's batch aggregation
// (docs/policies.md) at exact instants, and where it parts from Triton's rule.
#include "batching/torchserve_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "batching/policy.h"
#include "batching/policy_spec.h"
#include "batching/triton_policy.h"
#include "common/errors.h"
#include "queue_fixture.h"

namespace gb {
namespace {

using std::chrono::milliseconds;
using testing::FakeQueue;

using testing::dispatch;
using testing::kWait;
using testing::wake;

// The model was busy until 100 ms while three requests queued from 0 ms on. Triton's delay has
// run out for the oldest (it waited 100 ms > 50 ms): it sends the three at once. TorchServe's
// worker takes the first of them at 100 ms and waits until 150 ms for more.
TEST(TorchServePolicy, CountsTheDelayFromThePickNotFromTheOldestArrival) {
  const auto q = FakeQueue::with(3, 100, Nanos(0), milliseconds(10));
  TritonPolicy triton(8, {}, milliseconds(50));
  EXPECT_EQ(triton.decide(q.view(), milliseconds(100)), dispatch(3));
  TorchServePolicy ts(8, milliseconds(50));
  EXPECT_EQ(ts.decide(q.view(), milliseconds(100)), wake(milliseconds(150)));
  EXPECT_EQ(ts.decide(q.view(), milliseconds(150) - Nanos(1)), wake(milliseconds(150)));
  EXPECT_EQ(ts.decide(q.view(), milliseconds(150)), dispatch(3));
}

TEST(TorchServePolicy, TakesAQueuedBatchAtOnce) {
  TorchServePolicy p(8, milliseconds(50));
  EXPECT_EQ(p.decide(FakeQueue::with(8).view(), milliseconds(200)), dispatch(8));
  EXPECT_EQ(p.decide(FakeQueue::with(20).view(), milliseconds(300)), dispatch(8));
}

// An idle worker picks the first request when it arrives; later arrivals do not move the pick,
// and the one that fills the batch sends it before the delay.
TEST(TorchServePolicy, AnIdleWorkerPicksAtTheFirstArrivalAndSendsWhenFull) {
  TorchServePolicy p(3, milliseconds(50));
  auto q = FakeQueue::with(0, 100, milliseconds(10), milliseconds(10));
  EXPECT_EQ(p.decide(q.view(), milliseconds(0)), kWait);
  q.tail = 1;
  EXPECT_EQ(p.decide(q.view(), milliseconds(10)), wake(milliseconds(60)));
  q.tail = 2;
  EXPECT_EQ(p.decide(q.view(), milliseconds(20)), wake(milliseconds(60)));
  q.tail = 3;
  EXPECT_EQ(p.decide(q.view(), milliseconds(30)), dispatch(3));
}

// After a dispatch the next batch has a pick of its own: when the model frees up at 90 ms with
// one request queued since 45 ms, the delay runs from 90 ms.
TEST(TorchServePolicy, EachBatchHasItsOwnPick) {
  TorchServePolicy p(4, milliseconds(40));
  auto q = FakeQueue::with(1, 100, milliseconds(0), milliseconds(45));
  EXPECT_EQ(p.decide(q.view(), milliseconds(0)), wake(milliseconds(40)));
  EXPECT_EQ(p.decide(q.view(), milliseconds(40)), dispatch(1));
  q.head = 1;
  q.tail = 2;
  EXPECT_EQ(p.decide(q.view(), milliseconds(90)), wake(milliseconds(130)));
  EXPECT_EQ(p.decide(q.view(), milliseconds(130)), dispatch(1));
}

// TorchServe's loop ends after the first request it polls without waiting once the delay is 0,
// so a batch holds at most two requests, however many are queued.
TEST(TorchServePolicy, DelayZeroSendsAtMostTwo) {
  TorchServePolicy p(8, Nanos(0));
  EXPECT_EQ(p.decide(FakeQueue::with(5).view(), milliseconds(7)), dispatch(2));
  EXPECT_EQ(p.decide(FakeQueue::with(1).view(), milliseconds(7)), dispatch(1));
  TorchServePolicy one(1, Nanos(0));
  EXPECT_EQ(one.decide(FakeQueue::with(5).view(), milliseconds(7)), dispatch(1));
}

// A server never sees the end of a stream: the last partial batch waits out its delay.
TEST(TorchServePolicy, KeepsItsRuleAtTheEndOfTheStream) {
  TorchServePolicy p(8, milliseconds(50));
  const auto q = FakeQueue::with(3, 0, Nanos(0), milliseconds(10));
  ASSERT_TRUE(q.view().stream_ended());
  EXPECT_EQ(p.decide(q.view(), milliseconds(20)), wake(milliseconds(70)));
  EXPECT_EQ(p.decide(q.view(), milliseconds(70)), dispatch(3));
}

TEST(TorchServePolicy, CloneForgetsThePick) {
  TorchServePolicy p(8, milliseconds(50));
  const auto q = FakeQueue::with(2);
  EXPECT_EQ(p.decide(q.view(), milliseconds(10)), wake(milliseconds(60)));
  const auto fresh = p.clone();
  EXPECT_EQ(fresh->decide(q.view(), milliseconds(30)), wake(milliseconds(80)));
  EXPECT_EQ(p.decide(q.view(), milliseconds(30)), wake(milliseconds(60)));
}

TEST(TorchServePolicy, ParsesWithTorchServesDefaultDelayAndRoundTrips) {
  const PolicySpec s = PolicySpec::parse("torchserve:delay=50ms,batch=8");
  EXPECT_EQ(s.kind, PolicySpec::Kind::kTorchServe);
  EXPECT_EQ(s.canonical(), "torchserve:batch=8,delay=50ms");
  EXPECT_EQ(s.max_batch(), 8u);
  EXPECT_EQ(s.delay, milliseconds(50));
  EXPECT_STREQ(s.kind_name(), "torchserve");
  EXPECT_EQ(s.batch_size_label(), "torchserve:batch=8,delay=50ms");
  EXPECT_FALSE(s.needs_costs());
  EXPECT_EQ(PolicySpec::parse(s.canonical()), s);
  EXPECT_EQ(s.build()->describe(), s.canonical());
  EXPECT_EQ(canonical_policy("torchserve:batch=4"), "torchserve:batch=4,delay=100ms");
  EXPECT_EQ(canonical_policy("torchserve:batch=4,delay=0ms"), "torchserve:batch=4,delay=0s");
  EXPECT_EQ(canonical_policy("torchserve:batch=4,delay=1s"), "torchserve:batch=4,delay=1s");
}

TEST(TorchServePolicy, RejectsMalformedSpecsNamingTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"torchserve:delay=5ms", "needs batch=N"},
      {"torchserve:8", "KEY=VALUE options only"},
      {"torchserve:batch=0", "batch must be in 1..65536"},
      {"torchserve:batch=8,max=4", "unknown option 'max'"},
      {"torchserve:batch=8,delay=1500us", "whole number of milliseconds"},
      {"torchserve:batch=8,delay=-1ms", "must not be negative"},
      {"torchserv:batch=8", "known: fixed, greedy, triton, torchserve"},
  };
  for (const auto& [spec, why] : cases) {
    try {
      PolicySpec::parse(spec);
      ADD_FAILURE() << "accepted '" << spec << "'";
    } catch (const UsageError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("policy '" + std::string(spec) + "'"), std::string::npos) << msg;
      EXPECT_NE(msg.find(why), std::string::npos) << msg;
    }
  }
}

}  // namespace
}  // namespace gb
