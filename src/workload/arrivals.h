// Arrival processes. A schedule (the scheduled arrival time of every request) is generated up front
// from a seed, so a run is reproducible and the hot path only reads an array.
//
// Kinds:
//   paper     gap = 1/f * U(0.8, 1.2)            (the authors' testbed)
//   constant  gap = 1/f
//   poisson   gap ~ Exp(f)                       (MLPerf LoadGen's server scenario)
//   offline   every request at time zero         (MLPerf's offline scenario; no rate)
// The first request arrives at time zero; request i arrives one gap after request i-1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace gb {

struct ArrivalSpec {
  enum class Kind { kPaper, kConstant, kPoisson, kOffline };
  Kind kind = Kind::kPaper;
  double rate_hz = 0;  // mean requests per second; unused for offline

  bool needs_rate() const { return kind != Kind::kOffline; }
  std::string name() const;
};

// Parses "paper", "constant", "poisson", "offline". Throws UsageError.
ArrivalSpec parse_arrival(std::string_view name, double rate_hz);

// The scheduled arrival of each of `count` requests, non-decreasing, in ns from the run's origin.
std::vector<Nanos> generate_schedule(const ArrivalSpec& spec, std::size_t count, uint64_t seed);

}  // namespace gb
