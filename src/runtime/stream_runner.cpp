#include "runtime/stream_runner.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "runtime/dispatch_loop.h"
#include "runtime/release_timing.h"

namespace gb {

RunTrace StreamRunner::run(const std::vector<Nanos>& schedule, BatchingPolicy& policy,
                           BatchExecutor& executor, SteadyClock::time_point origin) {
  const std::size_t n = schedule.size();
  RunTrace trace;
  trace.scheduled = schedule;
  trace.released.assign(n, Nanos(0));
  completed_.store(0, std::memory_order_relaxed);
  if (n == 0) return trace;

  std::atomic<std::size_t> tail{0};
  std::atomic<bool> dispatcher_waiting{false};
  std::atomic<bool> abort{false};
  std::mutex mutex;
  std::condition_variable arrival;
  const Nanos spin = options_.spin;
  Nanos* released = trace.released.data();

  std::atomic<bool> realtime{false};
  std::thread issuer([&] {
    TimerSlack slack;
    realtime.store(options_.realtime_issuer && try_realtime_priority());
    std::size_t i = 0;
    while (i < n) {
      const auto reached = wait_until(origin + schedule[i], spin, abort);
      if (!reached) return;
      const auto now = *reached;
      // Everything due by now goes out together, with one timestamp and one publication.
      const Nanos t = now - origin;
      std::size_t j = i;
      while (j < n && origin + schedule[j] <= now) released[j++] = t;
      tail.store(j, std::memory_order_seq_cst);
      if (dispatcher_waiting.load(std::memory_order_seq_cst)) {
        std::lock_guard<std::mutex> lock(mutex);
        arrival.notify_one();
      }
      i = j;
    }
  });

  // Blocks until more than `seen` requests are released, or until `deadline` if given. The
  // waiting flag and tail are both seq_cst, so either the issuer sees the flag and notifies under
  // the mutex, or we see its new tail before sleeping: no lost wake-up.
  auto wait_for_arrival = [&](std::size_t seen, const SteadyClock::time_point* deadline) {
    dispatcher_waiting.store(true, std::memory_order_seq_cst);
    {
      std::unique_lock<std::mutex> lock(mutex);
      auto more = [&] { return tail.load(std::memory_order_seq_cst) > seen; };
      if (deadline) {
        arrival.wait_until(lock, *deadline, more);
      } else {
        arrival.wait(lock, more);
      }
    }
    dispatcher_waiting.store(false, std::memory_order_relaxed);
  };

  try {
    TimerSlack slack;
    DispatchLoop loop(policy, trace);
    while (!loop.done()) {
      const std::size_t head = loop.head();
      const std::size_t released_count = tail.load(std::memory_order_acquire);
      if (released_count == head) {
        wait_for_arrival(head, nullptr);
        continue;
      }
      const Nanos now = SteadyClock::now() - origin;
      const Decision d = loop.decide(released_count, now);
      switch (d.kind) {
        case Decision::Kind::kDispatch: {
          executor.execute(head, d.count);
          loop.finish(d.count, now, SteadyClock::now() - origin);
          completed_.store(loop.head(), std::memory_order_relaxed);
          break;
        }
        case Decision::Kind::kWakeAt: {
          const auto deadline = origin + d.wake_at;
          wait_for_arrival(released_count, &deadline);
          break;
        }
        case Decision::Kind::kWaitForArrival:
          wait_for_arrival(released_count, nullptr);
          break;
      }
    }
  } catch (...) {
    abort.store(true);
    issuer.join();
    throw;
  }
  issuer.join();
  trace.end = trace.batches.empty() ? Nanos(0) : trace.batches.back().end;
  trace.realtime_issuer = realtime.load();
  return trace;
}

}  // namespace gb
