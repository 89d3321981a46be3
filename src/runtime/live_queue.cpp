#include "runtime/live_queue.h"

#include <algorithm>
#include <limits>

#include "common/errors.h"

namespace gb {

LiveQueue::LiveQueue(LiveQueueOptions options, SteadyClock::time_point origin)
    : options_(options), origin_(origin) {
  if (options_.capacity < 1) throw UsageError("a live queue needs a capacity of at least 1");
  std::size_t size = 1;
  while (size < options_.capacity + kHistory) size *= 2;
  mask_ = size - 1;
  ring_.assign(2 * size, Nanos(0));
}

std::optional<uint64_t> LiveQueue::push(std::size_t count, Nanos t) {
  if (count == 0) return std::nullopt;
  uint64_t first = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ended_ || tail_ - head_ + count > options_.capacity) return std::nullopt;
    last_ = std::max(last_, t);
    first = tail_;
    const std::size_t size = mask_ + 1;
    for (uint64_t id = first; id < first + count; ++id) {
      ring_[id & mask_] = last_;
      ring_[(id & mask_) + size] = last_;
    }
    tail_ = first + count;
  }
  changed_.notify_one();
  return first;
}

void LiveQueue::end() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ended_ = true;
  }
  changed_.notify_one();
}

bool LiveQueue::ended() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ended_;
}

std::size_t LiveQueue::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<std::size_t>(tail_ - head_);
}

QueueView LiveQueue::view(uint64_t tail, bool ended) const {
  // head_ is only written by the dispatcher, which is the caller.
  const uint64_t back = std::min<uint64_t>(head_, kHistory);
  QueueView v;
  v.arrivals = &ring_[(head_ - back) & mask_];
  v.head = static_cast<std::size_t>(back);
  v.tail = static_cast<std::size_t>(back + (tail - head_));
  v.total = ended ? v.tail : std::numeric_limits<std::size_t>::max();
  return v;
}

void LiveQueue::serve(BatchingPolicy& policy, LiveBatchServer& server) {
  for (;;) {
    uint64_t tail = 0;
    bool ended = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return tail_ > head_ || ended_; });
      if (tail_ == head_) return;  // ended and drained
      tail = tail_;
      ended = ended_;
    }
    Nanos now = this->now();
    if (options_.expiry) {
      uint64_t fresh = head_;
      while (fresh < tail && arrival(fresh) + *options_.expiry <= now) ++fresh;
      if (fresh > head_) {
        const uint64_t first = head_;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          head_ = fresh;
        }
        server.expired(first, static_cast<std::size_t>(fresh - first));
        continue;
      }
    }
    const QueueView queue = view(tail, ended);
    const Decision d = policy.decide(queue, now);
    check_decision(policy, queue, d, now);
    if (d.kind == Decision::Kind::kDispatch) {
      const uint64_t first = head_;
      server.serve(first, d.count);
      const LiveBatch batch{first, d.count, now, this->now(), arrival(first)};
      policy.on_batch_done({batch.size, batch.start, batch.end, batch.oldest_arrival});
      {
        std::lock_guard<std::mutex> lock(mutex_);
        head_ = first + d.count;
      }
      server.served(batch);
      continue;
    }
    // Wait for a change the policy has not seen: an arrival, the stream's end, or its wake-up.
    std::unique_lock<std::mutex> lock(mutex_);
    const auto changed = [&] { return tail_ != tail || ended_ != ended; };
    if (d.kind == Decision::Kind::kWakeAt) {
      changed_.wait_until(lock, origin_ + d.wake_at, changed);
    } else {
      changed_.wait(lock, changed);
    }
  }
}

}  // namespace gb
