// DispatchLoop: the decide/dispatch step that the real-time runner and the simulator share, so
// "both drive the policies the same way" holds by construction rather than by two hand-kept
// copies. It owns the queue view and the batch records; each driver keeps only its own way of
// waiting (a condition variable on the steady clock, or a jump of the virtual clock) and of
// serving a batch (the executor, or a drawn service time).
//
// Use: while (!loop.done()) { note releases; d = loop.decide(released, now); on kDispatch serve
// [loop.head(), loop.head() + d.count) and call loop.finish(d.count, start, end); otherwise wait
// as d says }. The hot-path rules of the runner apply: no allocation after construction, no I/O.
//
// Lifetime: keeps references to `policy` and `trace`; trace.scheduled must stay unchanged while
// the loop is in use. Both must outlive the loop.
#pragma once

#include <cstddef>

#include "batching/policy.h"
#include "common/time.h"
#include "runtime/run_trace.h"

namespace gb {

class DispatchLoop {
 public:
  // REQUIRES: trace.scheduled holds the whole stream, non-decreasing. Reserves room for one batch
  // per request so that finish() never reallocates mid-run.
  DispatchLoop(BatchingPolicy& policy, RunTrace& trace);

  bool done() const { return head_ == queue_.total; }
  // The oldest request not yet served.
  std::size_t head() const { return head_; }

  // Asks the policy about the queue [head, released) at `now`, and checks the answer against the
  // policy contract (std::logic_error on a breach, as check_decision).
  // REQUIRES: head() < released <= total.
  Decision decide(std::size_t released, Nanos now);

  // Records that the `count` oldest requests were served from `start` to `end`, tells the policy,
  // and advances head().
  void finish(std::size_t count, Nanos start, Nanos end);

 private:
  BatchingPolicy& policy_;
  RunTrace& trace_;
  QueueView queue_;
  std::size_t head_ = 0;
};

}  // namespace gb
