#include "runtime/dispatch_loop.h"

namespace gb {

DispatchLoop::DispatchLoop(BatchingPolicy& policy, RunTrace& trace)
    : policy_(policy), trace_(trace), queue_{trace.scheduled.data(), 0, 0, trace.scheduled.size()} {
  trace_.batches.reserve(trace_.scheduled.size());
}

Decision DispatchLoop::decide(std::size_t released, Nanos now) {
  queue_.head = head_;
  queue_.tail = released;
  const Decision d = policy_.decide(queue_, now);
  check_decision(policy_, queue_, d, now);
  return d;
}

void DispatchLoop::finish(std::size_t count, Nanos start, Nanos end) {
  trace_.batches.push_back({head_, count, start, end});
  policy_.on_batch_done({count, start, end, trace_.scheduled[head_]});
  head_ += count;
}

}  // namespace gb
