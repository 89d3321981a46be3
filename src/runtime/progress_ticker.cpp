#include "runtime/progress_ticker.h"

namespace gb {

ProgressTicker::ProgressTicker(const ProgressFn& fn, std::function<std::size_t()> completed,
                               std::size_t total)
    : fn_(fn), completed_(std::move(completed)), total_(total), start_(SteadyClock::now()) {
  if (fn_) thread_ = std::thread([this] { loop(); });
}

ProgressTicker::~ProgressTicker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressTicker::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
    fn_(completed_(), total_, to_seconds(SteadyClock::now() - start_));
  }
}

}  // namespace gb
