// report/deploy.h: what each policy becomes in Triton, TorchServe and greenbatch serve, and that
// a translation called exact (or built to form the same batches) does so when both policies are
// driven over the same streams.
#include "report/deploy.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "batching/policy.h"

namespace gb {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

struct Row {
  const char* policy;
  Server server;
  const char* expected;
  bool exact;
  bool search = false;
};

TEST(Deploy, TranslatesEveryPolicyKindForEveryServer) {
  const MeasuredRun run{1.0, 0.3004};  // the longest queue wait rounds up to 301 ms
  const Server T = Server::kTriton, S = Server::kTorchServe, G = Server::kServe;
  const std::vector<Row> rows = {
      {"greedy:128", T, "triton:max=128,preferred=128,delay=0s", true},
      {"greedy:128", S, "torchserve:batch=128,delay=1ms", false},
      {"greedy:128", G, "greedy:128", true},
      {"fixed:16,timeout=250ms", T, "triton:max=16,preferred=16,delay=250ms", true},
      {"fixed:16,timeout=250ms", S, "torchserve:batch=16,delay=250ms", false},
      {"fixed:16,timeout=250ms", G, "fixed:16,timeout=250ms", true},
      {"fixed:16,timeout=0s", S, "torchserve:batch=16,delay=1ms", false},
      {"fixed:16", T, "triton:max=16,preferred=16,delay=301ms", false},
      {"fixed:16", S, "torchserve:batch=16,delay=301ms", false},
      {"fixed:16", G, "fixed:16,timeout=301ms", false},
      {"fixed:1", S, "torchserve:batch=1,delay=0s", true},
      {"greedy:1", S, "torchserve:batch=1,delay=0s", true},
      {"triton:max=16,preferred=4|16,delay=5ms", T, "triton:max=16,preferred=4|16,delay=5ms", true},
      {"triton:max=8,delay=0s", T, "triton:max=8,preferred=8,delay=0s", true},
      {"triton:max=16,preferred=4|16,delay=1500ns", T, "triton:max=16,preferred=4|16,delay=2us",
       false},
      {"triton:max=16,preferred=4|16,delay=5ms", S, "torchserve:batch=16,delay=5ms", false},
      {"triton:max=16,delay=0s", S, "torchserve:batch=16,delay=1ms", false},
      {"torchserve:batch=8,delay=50ms", T, "triton:max=8,preferred=8,delay=50ms", false},
      {"torchserve:batch=8,delay=0s", T, "triton:max=2,preferred=2,delay=0s", true},
      {"torchserve:batch=8,delay=50ms", S, "torchserve:batch=8,delay=50ms", true},
      {"torchserve:batch=8,delay=50ms", G, "torchserve:batch=8,delay=50ms", true},
      {"aimd:slo=1s,max=64", T, "triton:max=64,preferred=64,delay=0s", false, true},
      {"aimd:slo=1s,max=64", S, "torchserve:batch=64,delay=1ms", false, true},
      {"aimd:slo=1s,max=64", G, "aimd:slo=1s,max=64", true},
      {"slo:1s", T, "triton:max=128,preferred=128,delay=500ms", false, true},
      {"slo:1s", S, "torchserve:batch=128,delay=500ms", false, true},
      {"slo:1s", G, "slo:1s", true},
      {"offline:500ms,max=32", T, "triton:max=32,preferred=32,delay=250ms", false, true},
      {"offline:500ms,max=32", G, "slo:500ms,max=32", false},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.policy) + " in " + server_label(r.server));
    const Equivalent e = translate(r.server, PolicySpec::parse(r.policy), run);
    EXPECT_EQ(e.server, r.server);
    EXPECT_EQ(e.policy.canonical(), r.expected);
    EXPECT_EQ(e.exact, r.exact);
    EXPECT_EQ(e.search, r.search);
    EXPECT_FALSE(e.why.empty());
    EXPECT_EQ(e.fallback.empty(), !r.search);
  }
  // Without the run's queue wait, fixed:N's delay is half the budget.
  EXPECT_EQ(translate(Server::kTriton, PolicySpec::parse("fixed:8"), {0.25, std::nullopt})
                .policy.canonical(),
            "triton:max=8,preferred=8,delay=125ms");
  // A hostile wait (NaN, negative, beyond any duration) is no wait.
  for (double bad : {std::nan(""), -1.0, 1e300}) {
    EXPECT_EQ(translate(Server::kTorchServe, PolicySpec::parse("fixed:8"), {0.25, bad})
                  .policy.canonical(),
              "torchserve:batch=8,delay=125ms");
  }
}

TEST(Deploy, CandidatesAreEachServersOwnWholeUnitsOnce) {
  const auto t = candidates(Server::kTriton, 12, 0.1);
  // Sizes 1, 2, 4, 8, 12 x delays 0, 12.5 ms, 25 ms, 50 ms, 75 ms.
  ASSERT_EQ(t.size(), 25u);
  std::set<std::string> seen;
  for (const PolicySpec& p : t) {
    EXPECT_EQ(p.kind, PolicySpec::Kind::kTriton);
    EXPECT_TRUE(seen.insert(p.canonical()).second) << p.canonical();
    EXPECT_EQ(p.delay % microseconds(1), Nanos(0));
    EXPECT_LE(p.max_batch(), 12u);
  }
  EXPECT_TRUE(seen.count("triton:max=12,preferred=12,delay=12500us"));
  const auto s = candidates(Server::kTorchServe, 4, 0.002);
  // Delays of a 2 ms budget in whole ms, at least 1: 1 ms and 2 ms only.
  ASSERT_EQ(s.size(), 6u);
  for (const PolicySpec& p : s) {
    EXPECT_EQ(p.kind, PolicySpec::Kind::kTorchServe);
    EXPECT_GE(p.delay, milliseconds(1));
  }
  EXPECT_TRUE(candidates(Server::kServe, 8, 1).empty());
  EXPECT_EQ(candidates(Server::kTriton, 1, 1).size(), 5u);
}

TEST(Deploy, ServerUnitsOfAnEquivalent) {
  const PolicySpec t = PolicySpec::parse("triton:max=16,preferred=4|16,delay=1500us");
  EXPECT_EQ(triton_delay_us(t), 1500);
  EXPECT_EQ(triton_preferred(t), (std::vector<std::size_t>{4, 16}));
  EXPECT_EQ(triton_preferred(PolicySpec::parse("triton:max=8")), std::vector<std::size_t>{8});
  EXPECT_EQ(torchserve_delay_ms(PolicySpec::parse("torchserve:batch=8,delay=2s")), 2000);
}

// A virtual-clock driver as the simulator's: service time 2 ms + 1 ms per request, so the model
// is often busy while requests queue.
struct Batch {
  std::size_t first, size;
  Nanos start;
  bool operator==(const Batch& o) const {
    return first == o.first && size == o.size && start == o.start;
  }
};

std::vector<Batch> serve(BatchingPolicy& policy, const std::vector<Nanos>& arrivals,
                         Nanos* max_wait = nullptr) {
  std::vector<Batch> out;
  QueueView q{arrivals.data(), 0, 0, arrivals.size()};
  Nanos now{0};
  while (q.head < q.total) {
    while (q.tail < q.total && arrivals[q.tail] <= now) ++q.tail;
    if (q.empty()) {
      now = arrivals[q.tail];
      continue;
    }
    const Decision d = policy.decide(q, now);
    check_decision(policy, q, d, now);
    if (d.kind == Decision::Kind::kDispatch) {
      out.push_back({q.head, d.count, now});
      if (max_wait) *max_wait = std::max(*max_wait, now - arrivals[q.head]);
      q.head += d.count;
      now += milliseconds(2) + milliseconds(1) * static_cast<int64_t>(d.count);
    } else if (d.kind == Decision::Kind::kWakeAt) {
      now = q.tail < q.total ? std::min(d.wake_at, arrivals[q.tail]) : d.wake_at;
    } else {
      now = arrivals[q.tail];
    }
  }
  return out;
}

// Batches that start before the last arrival: a server never sees a stream end, so what a
// policy does with the last partial batch is not part of the rule being compared.
std::vector<Batch> mid_stream(std::vector<Batch> b, const std::vector<Nanos>& arrivals) {
  while (!b.empty() && b.back().start >= arrivals.back()) b.pop_back();
  return b;
}

std::vector<Nanos> bursty_stream(std::mt19937& rng) {
  std::vector<Nanos> a;
  Nanos t{0};
  for (int i = 0; i < 200; ++i) {
    t += rng() % 3 == 0 ? Nanos(0) : microseconds(rng() % (rng() % 4 ? 3000 : 60000));
    a.push_back(t);
  }
  return a;
}

TEST(Deploy, TranslationsMakeTheBatchesTheyClaim) {
  std::mt19937 rng(11);
  const char* const policies[] = {"greedy:16",
                                  "fixed:8,timeout=20ms",
                                  "fixed:5,timeout=0s",
                                  "triton:max=16,preferred=4|8,delay=10ms",
                                  "torchserve:batch=8,delay=0s",
                                  "torchserve:batch=6,delay=15ms",
                                  "fixed:1",
                                  "fixed:4",
                                  "fixed:16"};
  for (int stream = 0; stream < 40; ++stream) {
    const std::vector<Nanos> arrivals = bursty_stream(rng);
    for (const char* text : policies) {
      const PolicySpec spec = PolicySpec::parse(text);
      Nanos max_wait{0};
      auto lead = spec.build();
      const std::vector<Batch> expected = mid_stream(serve(*lead, arrivals, &max_wait), arrivals);
      for (Server server : kServers) {
        const Equivalent e = translate(server, spec, {1.0, to_seconds(max_wait)});
        // fixed:N's translations claim the same batches on the run their delay was taken from.
        if (!e.exact && spec.kind != PolicySpec::Kind::kFixed) continue;
        if (!e.exact && server == Server::kTorchServe && spec.timeout) continue;
        SCOPED_TRACE(std::string(text) + " as " + e.policy.canonical() + ", stream " +
                     std::to_string(stream));
        auto shadow = e.policy.build();
        EXPECT_EQ(mid_stream(serve(*shadow, arrivals), arrivals), expected);
      }
    }
  }
}

// Where a translation is not exact it really differs: TorchServe's delay from the pick against
// Triton's from the oldest arrival makes other batches on some stream.
TEST(Deploy, InexactTranslationsDoDifferSomewhere) {
  std::mt19937 rng(3);
  bool differed = false;
  for (int stream = 0; stream < 40 && !differed; ++stream) {
    const std::vector<Nanos> arrivals = bursty_stream(rng);
    const PolicySpec ts = PolicySpec::parse("torchserve:batch=6,delay=15ms");
    const Equivalent e = translate(Server::kTriton, ts, {1.0, std::nullopt});
    ASSERT_FALSE(e.exact);
    auto a = ts.build();
    auto b = e.policy.build();
    differed =
        mid_stream(serve(*a, arrivals), arrivals) != mid_stream(serve(*b, arrivals), arrivals);
  }
  EXPECT_TRUE(differed);
}

}  // namespace
}  // namespace gb
