// Time vocabulary shared by every module: all instants are nanoseconds since the start of a run
// (the run's origin on the steady clock, or zero of the simulator's virtual clock), so the
// real-time runner and the simulator hand policies identical numbers.
#pragma once

#include <chrono>
#include <cstdint>

namespace gb {

using Nanos = std::chrono::nanoseconds;
using SteadyClock = std::chrono::steady_clock;

inline double to_seconds(Nanos d) { return std::chrono::duration<double>(d).count(); }
inline double to_millis(Nanos d) { return std::chrono::duration<double, std::milli>(d).count(); }
inline Nanos from_seconds(double s) {
  return std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(s));
}

}  // namespace gb
