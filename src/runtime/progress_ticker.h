// ProgressTicker: reports a StreamRunner's completed() count about four times a second from a
// thread of its own, so the measured threads never format or print progress.
//
// Contract: the callback is called only between construction and destruction, never after the
// destructor returns (it stops and joins the thread). An empty callback starts no thread.
// Lifetimes: `fn` and `runner` are kept by reference and must outlive the ticker.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>

#include "common/time.h"
#include "runtime/stream_runner.h"

namespace gb {

// Requests done so far, the run's total, seconds since the run's start.
using ProgressFn = std::function<void(std::size_t done, std::size_t total, double elapsed_s)>;

class ProgressTicker {
 public:
  ProgressTicker(const ProgressFn& fn, const StreamRunner& runner, std::size_t total);
  ~ProgressTicker();
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

 private:
  void loop();
  const ProgressFn& fn_;
  const StreamRunner& runner_;
  std::size_t total_;
  SteadyClock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace gb
