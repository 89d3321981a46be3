// A hand-built queue for policy tests: arrival times are given explicitly and the clock is whatever
// `now` the test passes, so every rule is checked at exact instants; and the decisions they expect.
#pragma once

#include <vector>

#include "batching/policy.h"

namespace gb::testing {

using std::chrono::milliseconds;

struct FakeQueue {
  std::vector<Nanos> arrivals;
  std::size_t head = 0;
  std::size_t tail = 0;

  // `queued` requests arrived at `first`, `first + gap`, ...; `more` further ones still to come.
  static FakeQueue with(std::size_t queued, std::size_t more = 100, Nanos first = milliseconds(0),
                        Nanos gap = milliseconds(10)) {
    FakeQueue q;
    for (std::size_t i = 0; i < queued + more; ++i) q.arrivals.push_back(first + gap * i);
    q.tail = queued;
    return q;
  }
  QueueView view() const { return QueueView{arrivals.data(), head, tail, arrivals.size()}; }
};

// The decisions tests expect, by name.
inline const Decision kWait = Decision::wait_for_arrival();
inline Decision dispatch(std::size_t n) { return Decision::dispatch(n); }
inline Decision wake(Nanos t) { return Decision::wake_at_time(t); }

}  // namespace gb::testing
