// The batching-policy interface: the one piece of decision logic shared, unchanged, by the
// real-time runner (runtime/) and the discrete-event simulator (sim/).
//
// Contract:
// - A policy is asked only when the executor is idle. It sees the queue and the current time and
//   answers one of: dispatch the `count` oldest requests now; wake me at `wake_at` (or earlier, on
//   an arrival); or wait for the next arrival.
// - Policies are pure with respect to the world: no threads, no clock reads, no I/O. Everything
// they
//   know arrives through decide() and on_batch_done(), so a fake clock tests them exactly.
// - Guarantees a caller may rely on: a dispatch has 1 <= count <= queue.size(); wake_at > now; a
//   policy never waits for an arrival once the stream has ended, and never leaves a non-empty queue
//   stranded (at stream end it dispatches or sets a wake-up).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/time.h"

namespace gb {
class BatchCosts;
}

namespace gb {

// The requests waiting for service. The queue is FIFO and requests are released in id order, so it
// is always the contiguous id range [head, tail) of the stream, and arrival(i) is its scheduled
// time.
struct QueueView {
  const Nanos* arrivals = nullptr;  // scheduled arrival of every request of the stream, by id
  std::size_t head = 0;             // oldest queued request id
  std::size_t tail = 0;             // one past the newest released request id
  std::size_t total = 0;            // requests in the whole stream

  std::size_t size() const { return tail - head; }
  bool empty() const { return tail == head; }
  bool stream_ended() const { return tail == total; }
  Nanos oldest_arrival() const { return arrivals[head]; }
  // k-th queued request's scheduled arrival, k = 0 is the oldest.
  Nanos arrival(std::size_t k) const { return arrivals[head + k]; }
};

struct Decision {
  enum class Kind { kDispatch, kWakeAt, kWaitForArrival };
  Kind kind = Kind::kWaitForArrival;
  std::size_t count = 0;  // kDispatch: how many of the oldest requests form the batch
  Nanos wake_at{0};       // kWakeAt: ask again at this time (or at the next arrival, if earlier)

  static Decision dispatch(std::size_t n) { return {Kind::kDispatch, n, Nanos(0)}; }
  static Decision wake_at_time(Nanos t) { return {Kind::kWakeAt, 0, t}; }
  static Decision wait_for_arrival() { return {Kind::kWaitForArrival, 0, Nanos(0)}; }
  bool operator==(const Decision& o) const {
    return kind == o.kind && count == o.count && wake_at == o.wake_at;
  }
};

// What a policy may learn after a batch: enough for adaptive policies (AIMD) to react.
struct BatchFeedback {
  std::size_t size = 0;
  Nanos start{0};
  Nanos end{0};
  Nanos oldest_arrival{0};  // scheduled arrival of the batch's oldest request
};

class BatchingPolicy {
 public:
  virtual ~BatchingPolicy() = default;
  virtual Decision decide(const QueueView& queue, Nanos now) = 0;
  virtual void on_batch_done(const BatchFeedback& feedback) {}
  // The canonical spec string, e.g. "fixed:16,timeout=250ms"; parse_policy(describe()) round-trips.
  virtual std::string describe() const = 0;
  // Upper bound of any batch this policy dispatches (for preallocation and warm-up).
  virtual std::size_t max_batch() const = 0;
  // A fresh copy with the same settings and no learned state, for the next run.
  virtual std::unique_ptr<BatchingPolicy> clone() const = 0;
};

// Enforces the guarantees above on one decision, for every caller that drives policies (the
// real-time runner and the simulator): a breach throws std::logic_error naming the policy and
// what it did, instead of hanging or serving a batch that does not exist.
[[noreturn]] void policy_broke_contract(const BatchingPolicy& policy, const std::string& what);
inline void check_decision(const BatchingPolicy& policy, const QueueView& queue, const Decision& d,
                           Nanos now) {
  switch (d.kind) {
    case Decision::Kind::kDispatch:
      if (d.count == 0 || d.count > queue.size()) {
        policy_broke_contract(policy, "dispatched " + std::to_string(d.count) + " of " +
                                          std::to_string(queue.size()) + " queued");
      }
      break;
    case Decision::Kind::kWakeAt:
      if (d.wake_at <= now) policy_broke_contract(policy, "asked to wake at a time already past");
      break;
    case Decision::Kind::kWaitForArrival:
      if (queue.stream_ended()) {
        policy_broke_contract(policy, "waits for an arrival after the stream ended");
      }
      break;
  }
}

// Parses a policy spec:
//   fixed:N                            wait until N are queued; flush the remainder at stream end
//   fixed:N,timeout=T                  ... or when the oldest has waited T
//   greedy | greedy:CAP                everything queued, at most CAP (default 128), at once
//   triton:max=M[,preferred=A|B][,delay=T]   Triton's dynamic batcher (design.md section 5)
//   torchserve:batch=N[,delay=T]       TorchServe's batching: T (whole ms, default 100ms) from
//                                      when the free worker took the first request
//   aimd:slo=T[,step=S][,max=M]        Clipper's adaptive batch size
//   slo:T[,max=M]                      greenbatch's latency-budget policy (needs `costs`)
//   offline:T[,max=M]                  the offline optimum, a lower bound (needs `costs`)
// `costs` (from a profile) is required by slo and offline only. Throws UsageError naming the
// problem. Same as PolicySpec::parse(spec).build(costs) (batching/policy_spec.h), the typed form
// callers that keep a policy's settings should hold instead of the string.
std::unique_ptr<BatchingPolicy> parse_policy(std::string_view spec,
                                             std::shared_ptr<const BatchCosts> costs = nullptr);

// Checks a spec's syntax and returns its canonical form and largest batch, without the cost table
// slo and offline need to run (experiment files are validated before any profile is loaded).
std::string canonical_policy(std::string_view spec);
std::size_t policy_max_batch(std::string_view spec);

}  // namespace gb
