// The system under test, as the runtime sees it: something that serves a batch of requests and
// returns when the batch is complete (on a GPU: after synchronisation). Requests are identified by
// stream id; a batch is always the contiguous id range [first, first + count) because the queue is
// FIFO and requests are released in id order.
//
// Contract: execute() is called from one thread at a time (the dispatcher) with count >= 1 and,
// by the policies' own promise, count <= the policy's max_batch(), which executors allocate for.
// An exception ends the run and reaches the caller of StreamRunner::run().
#pragma once

#include <cstddef>

namespace gb {

class BatchExecutor {
 public:
  virtual ~BatchExecutor() = default;
  virtual void execute(std::size_t first, std::size_t count) = 0;
};

// Serves every batch instantly: measures the harness itself (`--model noop`).
class NoopExecutor final : public BatchExecutor {
 public:
  void execute(std::size_t, std::size_t) override {}
};

}  // namespace gb
