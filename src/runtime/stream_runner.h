// StreamRunner: the real-time loop that replays an arrival schedule against a batching policy and
// an executor, in the style of MLPerf LoadGen. Why it is built this way (the id-range queue, timer
// slack, spinning): docs/architecture.md.
//
// Contract:
// - An issuer thread releases request i at origin + schedule[i] (sleep_until on the steady clock,
//   1 ns timer slack, then a short spin), records the release time and publishes it with one
//   atomic store. It never allocates or formats.
// - The calling thread is the dispatcher: whenever the executor is idle it asks the policy, and
//   runs the batch it gets (executor calls are synchronous: one model instance).
// - Response time is measured from the *scheduled* arrival, so a late harness cannot hide.
// - completed() may be polled from any thread while run() is in progress; run() itself is called
//   by one thread at a time.
//
// Lifetime: the runner keeps nothing of a run's arguments; the schedule, policy and executor are
// used only during run().
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include "batching/policy.h"
#include "common/time.h"
#include "runtime/batch_executor.h"
#include "runtime/run_trace.h"

namespace gb {

struct RunnerOptions {
  // The issuer sleeps until this long before a release, then spins: trades a little CPU for
  // release accuracy. 0 disables spinning.
  Nanos spin{std::chrono::microseconds(50)};
  // Ask for SCHED_FIFO priority for the issuer thread (granted to root or CAP_SYS_NICE).
  bool realtime_issuer = true;
};

class StreamRunner {
 public:
  explicit StreamRunner(RunnerOptions options = {}) : options_(options) {}

  // Replays `schedule` (non-decreasing, ns from `origin`). The caller picks `origin` (a little in
  // the future, so the issuer thread is up in time) and shares it with other recorders, e.g. the
  // power sampler, so all timestamps live on one time base. Exceptions from the executor end the
  // run and propagate after the issuer has stopped.
  RunTrace run(const std::vector<Nanos>& schedule, BatchingPolicy& policy, BatchExecutor& executor,
               SteadyClock::time_point origin);

  // Requests completed so far in the current run (relaxed; for progress display only).
  std::size_t completed() const { return completed_.load(std::memory_order_relaxed); }

 private:
  RunnerOptions options_;
  std::atomic<std::size_t> completed_{0};
};

}  // namespace gb
