// LiveQueue: the live stream's queue view matches what a policy sees offline, producers are
// bounded, expired requests leave unserved, the stream's end flushes, and contract breaches are
// reported. Real threads, no timing assertions.
#include "runtime/live_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "batching/fixed_policy.h"
#include "batching/greedy_policy.h"

namespace gb {
namespace {

using std::chrono::milliseconds;

// Records every view it is shown (arrivals as absolute values, with the history before head),
// and dispatches like greedy with a cap.
class RecordingPolicy final : public BatchingPolicy {
 public:
  explicit RecordingPolicy(std::size_t cap) : cap_(cap) {}
  Decision decide(const QueueView& q, Nanos) override {
    std::lock_guard<std::mutex> lock(mutex);
    seen.push_back({q.head, q.tail, q.stream_ended(), {}});
    for (std::size_t i = 0; i < q.tail; ++i) seen.back().arrivals.push_back(q.arrivals[i]);
    if (q.empty()) return Decision::wait_for_arrival();
    return Decision::dispatch(std::min(q.size(), cap_));
  }
  std::string describe() const override { return "recording"; }
  std::size_t max_batch() const override { return cap_; }
  std::unique_ptr<BatchingPolicy> clone() const override {
    return std::make_unique<RecordingPolicy>(cap_);
  }
  struct View {
    std::size_t head, tail;
    bool ended;
    std::vector<Nanos> arrivals;  // [0, tail) of the view
  };
  std::mutex mutex;
  std::vector<View> seen;

 private:
  std::size_t cap_;
};

class Recorder final : public LiveBatchServer {
 public:
  void serve(uint64_t first, std::size_t count) override {
    std::lock_guard<std::mutex> lock(mutex);
    for (uint64_t id = first; id < first + count; ++id) served.push_back(id);
    sizes.push_back(count);
  }
  void expired(uint64_t first, std::size_t count) override {
    std::lock_guard<std::mutex> lock(mutex);
    for (uint64_t id = first; id < first + count; ++id) dropped.push_back(id);
  }
  std::mutex mutex;
  std::vector<uint64_t> served, dropped;
  std::vector<std::size_t> sizes;
};

TEST(LiveQueue, ViewsKeepTheHistoryPoliciesLookBackAt) {
  LiveQueue q({4096, std::nullopt}, SteadyClock::now());
  const std::size_t n = LiveQueue::kHistory + 300;
  // Pushed before the dispatcher starts: arrival i at i ms, so a view's values name their ids.
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(q.push(1, milliseconds(i)), i);
  q.end();
  RecordingPolicy policy(10);
  Recorder server;
  q.serve(policy, server);
  ASSERT_EQ(server.served.size(), n);
  std::size_t head = 0;  // absolute id of each view's head
  for (const auto& v : policy.seen) {
    ASSERT_EQ(v.head, std::min(head, LiveQueue::kHistory));
    ASSERT_EQ(v.tail - v.head, n - head);
    EXPECT_TRUE(v.ended);
    for (std::size_t k = 0; k < v.tail; ++k) {
      ASSERT_EQ(v.arrivals[k], milliseconds(head - v.head + k)) << "view at head " << head;
    }
    head += std::min<std::size_t>(v.tail - v.head, 10);
  }
}

TEST(LiveQueue, RefusesBeyondCapacityAndAfterTheEnd) {
  LiveQueue q({8, std::nullopt}, SteadyClock::now());
  EXPECT_EQ(q.push(5, Nanos(0)), 0u);
  EXPECT_EQ(q.push(3, Nanos(0)), 5u);
  EXPECT_FALSE(q.push(1, Nanos(0)));
  EXPECT_FALSE(q.push(0, Nanos(0)));
  EXPECT_EQ(q.queued(), 8u);
  q.end();
  EXPECT_FALSE(q.push(1, Nanos(0)));
  GreedyPolicy greedy(4);
  Recorder server;
  q.serve(greedy, server);
  EXPECT_EQ(server.sizes, (std::vector<std::size_t>{4, 4}));
  EXPECT_EQ(q.queued(), 0u);
}

TEST(LiveQueue, StampsAreMadeNonDecreasing) {
  LiveQueue q({8, std::nullopt}, SteadyClock::now());
  q.push(1, milliseconds(5));
  q.push(1, milliseconds(3));  // a producer that stamped earlier but pushed later
  q.end();
  RecordingPolicy policy(8);
  Recorder server;
  q.serve(policy, server);
  EXPECT_EQ(policy.seen.front().arrivals, (std::vector<Nanos>{milliseconds(5), milliseconds(5)}));
}

TEST(LiveQueue, ExpiredRequestsLeaveUnserved) {
  // Time zero ten seconds ago: requests stamped then have expired when the dispatcher looks.
  LiveQueue q({16, milliseconds(100)}, SteadyClock::now() - std::chrono::seconds(10));
  q.push(3, Nanos(0));
  q.push(2, q.now() + std::chrono::hours(1));
  q.end();
  GreedyPolicy greedy(16);
  Recorder server;
  q.serve(greedy, server);
  EXPECT_EQ(server.dropped, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(server.served, (std::vector<uint64_t>{3, 4}));
}

TEST(LiveQueue, EndFlushesAPartialFixedBatch) {
  LiveQueue q({64, std::nullopt}, SteadyClock::now());
  FixedPolicy fixed(16, std::nullopt);
  Recorder server;
  std::thread dispatcher([&] { q.serve(fixed, server); });
  for (int i = 0; i < 20; ++i) q.push(1, q.now());
  q.end();  // 16 go as one batch once queued; the last 4 only because the stream ended
  dispatcher.join();
  ASSERT_EQ(server.served.size(), 20u);
  EXPECT_EQ(server.sizes.back(), 4u);
}

TEST(LiveQueue, ManyProducersEveryRequestServedOnceInOrder) {
  LiveQueue q({100000, std::nullopt}, SteadyClock::now());
  GreedyPolicy greedy(32);
  Recorder server;
  std::thread dispatcher([&] { q.serve(greedy, server); });
  std::vector<std::thread> producers;
  std::atomic<std::size_t> accepted{0};
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) accepted += q.push(1 + i % 3, q.now()) ? 1 + i % 3 : 0;
    });
  }
  for (auto& t : producers) t.join();
  q.end();
  dispatcher.join();
  ASSERT_EQ(server.served.size(), accepted.load());
  for (std::size_t i = 0; i < server.served.size(); ++i) ASSERT_EQ(server.served[i], i);
}

class TooMany final : public BatchingPolicy {
 public:
  Decision decide(const QueueView& q, Nanos) override { return Decision::dispatch(q.size() + 1); }
  std::string describe() const override { return "too-many"; }
  std::size_t max_batch() const override { return 1; }
  std::unique_ptr<BatchingPolicy> clone() const override { return std::make_unique<TooMany>(); }
};

TEST(LiveQueue, APolicyBreakingItsContractIsReported) {
  LiveQueue q({8, std::nullopt}, SteadyClock::now());
  q.push(1, Nanos(0));
  q.end();
  TooMany policy;
  Recorder server;
  EXPECT_THROW(q.serve(policy, server), std::logic_error);
}

}  // namespace
}  // namespace gb
