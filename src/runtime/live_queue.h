// LiveQueue: the queue of an unbounded stream of requests (a server's), batched by the same
// policy objects as a replayed schedule. Producers (any thread) append requests as they come;
// one dispatcher thread runs serve(), which asks the policy whenever the model is idle and hands
// each batch to a LiveBatchServer. The offline path (DispatchLoop, StreamRunner) is untouched:
// this is its sibling for a stream that grows and never ends until end() is called.
//
// How the policies see it (batching/policy.h's QueueView, unchanged): requests keep stream ids
// in arrival order and are served FIFO, so the queue is still one contiguous range. The arrival
// times live in a ring that holds the queue plus the kHistory arrivals released before it,
// mirrored so that the range is contiguous in memory; the view handed to a policy is rebased onto
// that window (head <= kHistory), so a policy that looks back at recent arrivals (slo:T's
// arrival-rate window of 64) sees exactly what it would in an offline run. `total` is
// SIZE_MAX while the stream is open and the queue's tail after end(), when every policy flushes.
// Arrival stamps are made non-decreasing on push (concurrent producers may stamp microseconds
// apart out of order).
//
// Contract:
// - push() refuses (nullopt) when the queue would hold more than `capacity` requests, or after
//   end(): the caller answers at once (503) rather than queueing without bound.
// - A request still queued `expiry` after its arrival is dropped from the head before the policy
//   is asked, and reported through LiveBatchServer::expired() (its owner answers it: 504). With
//   one expiry for every request, expired requests are always the oldest, so the queue stays one
//   range. A request already in a batch is served.
// - serve() returns once end() was called and the queue is empty. The policy contract is checked
//   on every decision as in the offline runner (std::logic_error on a breach).
// - LiveBatchServer::serve() runs on the dispatcher thread with no lock held, so producers never
//   wait for a batch.
//
// Lifetime: serve() keeps `policy` and `server` for its duration only.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "batching/policy.h"
#include "common/time.h"

namespace gb {

struct LiveBatch {
  uint64_t first = 0;  // stream id of the batch's oldest request
  std::size_t size = 0;
  Nanos start{0}, end{0};  // ns from the queue's origin
  Nanos oldest_arrival{0};
};

class LiveBatchServer {
 public:
  virtual ~LiveBatchServer() = default;
  // Serves requests [first, first + count); returns when all of them are complete.
  virtual void serve(uint64_t first, std::size_t count) = 0;
  // After serve() returned, with the batch's timestamps.
  virtual void served(const LiveBatch& batch) {}
  // Requests [first, first + count) left the queue unserved: they expired.
  virtual void expired(uint64_t first, std::size_t count) {}
};

struct LiveQueueOptions {
  std::size_t capacity = 1024;  // most requests queued at once
  std::optional<Nanos> expiry;  // unset: requests wait as long as the policy makes them
};

class LiveQueue {
 public:
  // Arrivals before the head that a policy may still read (slo:T reads 64).
  static constexpr std::size_t kHistory = 256;

  // `origin` is time zero of every timestamp. UsageError unless capacity >= 1.
  LiveQueue(LiveQueueOptions options, SteadyClock::time_point origin);

  // Any thread: appends `count` requests (one request of `count` images) that arrived at `t`,
  // and returns the first one's id; nullopt when full or ended (see the contract).
  std::optional<uint64_t> push(std::size_t count, Nanos t);
  // Any thread: no more arrivals; what is queued is flushed and serve() then returns.
  void end();
  bool ended() const;
  // Requests queued now (any thread).
  std::size_t queued() const;
  Nanos now() const { return SteadyClock::now() - origin_; }
  SteadyClock::time_point origin() const { return origin_; }

  // The dispatcher (one thread): runs until end() and an empty queue.
  void serve(BatchingPolicy& policy, LiveBatchServer& server);

 private:
  // The view a policy gets of [head_, tail) with the history before it; REQUIRES the lock not
  // held and tail <= tail_ (a snapshot).
  QueueView view(uint64_t tail, bool ended) const;
  Nanos arrival(uint64_t id) const { return ring_[id & mask_]; }

  const LiveQueueOptions options_;
  const SteadyClock::time_point origin_;
  std::size_t mask_ = 0;
  std::vector<Nanos> ring_;  // 2 x capacity-rounded-up: each arrival at id & mask_ and + size
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t head_ = 0;  // written by the dispatcher under the lock
  uint64_t tail_ = 0;  // written by producers under the lock
  Nanos last_{0};      // the latest arrival stamp (non-decreasing)
  bool ended_ = false;
};

}  // namespace gb
