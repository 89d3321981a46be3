#include "runtime/stream_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <thread>
#include <vector>

#include "batching/policy.h"
#include "workload/arrivals.h"

namespace gb {
namespace {

using std::chrono::milliseconds;

SteadyClock::time_point soon() { return SteadyClock::now() + milliseconds(2); }

// Every request is served exactly once, in order, by contiguous batches.
void expect_well_formed(const RunTrace& trace, std::size_t max_batch) {
  std::size_t next = 0;
  for (const BatchRecord& b : trace.batches) {
    EXPECT_EQ(b.first, next);
    EXPECT_GE(b.size, 1u);
    EXPECT_LE(b.size, max_batch);
    EXPECT_LE(b.start, b.end);
    // A batch can only start once its newest member was released.
    EXPECT_GE(b.start, trace.released[b.first + b.size - 1]);
    next += b.size;
  }
  EXPECT_EQ(next, trace.requests());
  for (std::size_t i = 0; i < trace.requests(); ++i)
    EXPECT_GE(trace.released[i], trace.scheduled[i]);
}

TEST(StreamRunner, OfflineGreedyServesEveryRequestOnce) {
  const auto schedule = generate_schedule(parse_arrival("offline", 0), 10000, 1);
  auto policy = parse_policy("greedy:128");
  NoopExecutor noop;
  StreamRunner runner;
  const RunTrace trace = runner.run(schedule, *policy, noop, soon());
  expect_well_formed(trace, 128);
  EXPECT_EQ(runner.completed(), 10000u);
  EXPECT_EQ(trace.batches.size(), 10000u / 128 + 1);  // everything queued at once: full batches
}

TEST(StreamRunner, FixedBatchesAtAPacedRate) {
  const auto schedule = generate_schedule(parse_arrival("constant", 1000), 40, 1);
  auto policy = parse_policy("fixed:4");
  NoopExecutor noop;
  const RunTrace trace = StreamRunner().run(schedule, *policy, noop, soon());
  expect_well_formed(trace, 4);
  ASSERT_EQ(trace.batches.size(), 10u);
  for (const BatchRecord& b : trace.batches) EXPECT_EQ(b.size, 4u);
}

TEST(StreamRunner, FixedFlushesThePartialLastBatch) {
  const auto schedule = generate_schedule(parse_arrival("constant", 2000), 10, 1);
  auto policy = parse_policy("fixed:4");
  NoopExecutor noop;
  const RunTrace trace = StreamRunner().run(schedule, *policy, noop, soon());
  expect_well_formed(trace, 4);
  ASSERT_EQ(trace.batches.size(), 3u);
  EXPECT_EQ(trace.batches.back().size, 2u);
}

TEST(StreamRunner, TimeoutDispatchesNoEarlierThanTheDeadline) {
  // Pairs of requests a second apart: each pair can only leave by its timeout, and a runner that
  // slept through the wake-up would not serve it before the next pair arrives, 975 ms too late.
  const std::vector<Nanos> schedule = {milliseconds(0), milliseconds(5), milliseconds(1000),
                                       milliseconds(1005), milliseconds(2000)};
  auto policy = parse_policy("fixed:100,timeout=25ms");
  NoopExecutor noop;
  const RunTrace trace = StreamRunner().run(schedule, *policy, noop, soon());
  expect_well_formed(trace, 100);
  // Far above any wake-up latency of a loaded 2-core machine, far below the 975 ms a missed
  // wake-up costs.
  const Nanos tolerance = milliseconds(250);
  for (std::size_t b = 0; b + 1 < trace.batches.size(); ++b) {
    const BatchRecord& batch = trace.batches[b];
    const Nanos deadline = trace.scheduled[batch.first] + milliseconds(25);
    EXPECT_GE(to_millis(batch.start), to_millis(deadline)) << "batch " << b;
    // Counted from when the requests due by the deadline were all released: a harness that
    // released them late (the issuer thread starting slowly) delays the batch without any fault
    // of the wake-up.
    Nanos possible = deadline;
    for (std::size_t i = batch.first; i < trace.requests() && trace.scheduled[i] <= deadline; ++i) {
      possible = std::max(possible, trace.released[i]);
    }
    EXPECT_LE(to_millis(batch.start), to_millis(possible + tolerance))
        << "batch " << b << " started " << to_millis(batch.start - deadline)
        << " ms after its deadline";
  }
  ASSERT_EQ(trace.batches.size(), 3u);
  EXPECT_EQ(trace.batches[0].size, 2u);
  EXPECT_EQ(trace.batches[1].size, 2u);
}

class SleepyExecutor : public BatchExecutor {
 public:
  void execute(std::size_t, std::size_t) override { std::this_thread::sleep_for(milliseconds(5)); }
};

TEST(StreamRunner, ResponseTimeIncludesServiceAndCountsFromScheduledArrival) {
  const auto schedule = generate_schedule(parse_arrival("constant", 500), 20, 1);
  auto policy = parse_policy("greedy");
  SleepyExecutor sleepy;
  const RunTrace trace = StreamRunner().run(schedule, *policy, sleepy, soon());
  expect_well_formed(trace, 128);
  const auto batch_of = trace.batch_of_requests();
  for (std::size_t i = 0; i < trace.requests(); ++i) {
    EXPECT_GE(trace.batches[batch_of[i]].end - trace.scheduled[i], milliseconds(5));
  }
}

class FailingExecutor : public BatchExecutor {
 public:
  void execute(std::size_t first, std::size_t) override {
    if (first >= 3) throw std::runtime_error("device lost");
  }
};

TEST(StreamRunner, ExecutorErrorEndsTheRunWithoutHanging) {
  // The schedule reaches far into the future: the issuer must notice the abort and stop.
  auto schedule = generate_schedule(parse_arrival("constant", 100), 10, 1);
  schedule.back() = std::chrono::hours(1);
  auto policy = parse_policy("greedy:1");
  FailingExecutor failing;
  EXPECT_THROW(StreamRunner().run(schedule, *policy, failing, soon()), std::runtime_error);
}

class LazyPolicy : public BatchingPolicy {
 public:
  Decision decide(const QueueView&, Nanos) override { return Decision::wait_for_arrival(); }
  std::string describe() const override { return "lazy"; }
  std::size_t max_batch() const override { return 1; }
  std::unique_ptr<BatchingPolicy> clone() const override { return std::make_unique<LazyPolicy>(); }
};

TEST(StreamRunner, APolicyThatStrandsTheQueueIsReportedNotHung) {
  const auto schedule = generate_schedule(parse_arrival("offline", 0), 3, 1);
  LazyPolicy lazy;
  NoopExecutor noop;
  EXPECT_THROW(StreamRunner().run(schedule, lazy, noop, soon()), std::logic_error);
}

TEST(StreamRunner, EmptyScheduleIsAnEmptyTrace) {
  auto policy = parse_policy("greedy");
  NoopExecutor noop;
  const RunTrace trace = StreamRunner().run({}, *policy, noop, soon());
  EXPECT_TRUE(trace.batches.empty());
}

}  // namespace
}  // namespace gb
