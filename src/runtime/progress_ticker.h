// ProgressTicker: reports a run's completed count (a StreamRunner's completed(), or a load
// generator's) about four times a second from a thread of its own, so the measured threads never
// format or print progress.
//
// Contract: the callback is called only between construction and destruction, never after the
// destructor returns (it stops and joins the thread). An empty callback starts no thread.
// Lifetimes: `fn` is kept by reference and, with whatever `completed` reads, must outlive the
// ticker.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>

#include "common/time.h"

namespace gb {

// Requests done so far, the run's total, seconds since the run's start.
using ProgressFn = std::function<void(std::size_t done, std::size_t total, double elapsed_s)>;

class ProgressTicker {
 public:
  // `completed` is polled from the ticker's thread (relaxed reads of a counter).
  ProgressTicker(const ProgressFn& fn, std::function<std::size_t()> completed, std::size_t total);
  ~ProgressTicker();
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

 private:
  void loop();
  const ProgressFn& fn_;
  std::function<std::size_t()> completed_;
  std::size_t total_;
  SteadyClock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace gb
