// Release timing shared by the threads that must act at a given instant (the offline issuer, the
// load generator's sender): a 1 ns timer slack for the calling thread, real-time priority where
// granted, and a polite spin.
//
// Linux's default 50 us timer slack would show up directly as release jitter and as late
// timeouts; TimerSlack asks for 1 ns for the calling thread and restores the old value when it
// goes out of scope.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "common/time.h"

namespace gb {

class TimerSlack {
 public:
  TimerSlack() : old_(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0)) {
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  }
  ~TimerSlack() {
    if (old_ > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(old_), 0, 0, 0);
  }
  TimerSlack(const TimerSlack&) = delete;
  TimerSlack& operator=(const TimerSlack&) = delete;

 private:
  int old_;
};

// A thread that sleeps almost all the time must run at once when a release is due, even if the
// model's BLAS/OpenMP workers occupy every core (measured here: ~3 ms late releases at every
// batch start without this). SCHED_FIFO gives it that; without the privilege (root or
// CAP_SYS_NICE) it stays normal and the run reports its lag honestly either way.
inline bool try_realtime_priority() {
  sched_param param{};
  param.sched_priority = 1;
  return pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Sleeps until `spin` before `target`, then spins up to it, and returns the instant reached (at or
// just after `target`); nullopt as soon as `abort` is seen set, which is checked at least every
// 50 ms, so that an aborted run is noticed promptly.
inline std::optional<SteadyClock::time_point> wait_until(SteadyClock::time_point target, Nanos spin,
                                                         const std::atomic<bool>& abort) {
  auto now = SteadyClock::now();
  while (now < target) {
    if (abort.load(std::memory_order_relaxed)) return std::nullopt;
    const auto wake = std::min(target - spin, now + std::chrono::milliseconds(50));
    if (wake > now) {
      std::this_thread::sleep_until(wake);
    } else {
      cpu_relax();
    }
    now = SteadyClock::now();
  }
  return now;
}

}  // namespace gb
