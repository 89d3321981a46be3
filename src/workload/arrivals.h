// Arrival processes. A schedule (the scheduled arrival time of every request) is generated up front
// from a seed, so a run is reproducible and the hot path only reads an array.
//
// Kinds:
//   paper     gap = 1/f * U(0.8, 1.2)            (the authors' testbed)
//   constant  gap = 1/f
//   poisson   gap ~ Exp(f)                       (MLPerf LoadGen's server scenario)
//   offline   every request at time zero         (MLPerf's offline scenario; no rate)
//   bursty[:on=R1,off=R2,on_time=T1,off_time=T2]
//             a two-state Markov-modulated Poisson process: Poisson at R1 requests/s during "on"
//             periods and R2 during "off" periods, whose lengths are exponential with means T1
//             and T2. Plain `bursty` derives them from the rate f: R1 = 2f for 1 s, R2 = f/2 for
//             2 s (long-run mean f). The stream starts in an "on" period.
//   trace:FILE  arrivals from a file (docs/workloads.md): one per line, either a time in seconds
//             since the start (e.g. 0.125, or with a unit: 125ms) or, prefixed with '+', a gap
//             after the previous arrival (+8ms); blank lines and lines starting with # are
//             skipped. Times must not decrease. The first arrival is moved to time zero.
// The first request arrives at time zero; request i arrives one gap after request i-1.
//
// Ranges (docs/workloads.md): rates are > 0 and at most kMaxRateHz, durations and trace times lie
// in 0 to kMaxDuration (30 days), and so does every scheduled arrival; outside them, UsageError.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace gb {

// The highest rate any arrival process takes: one request a nanosecond. Faster, gaps round to zero
// in Nanos and the stream is offline in all but name.
inline constexpr double kMaxRateHz = 1e9;

// A parsed arrival process: a value (copies share a trace's arrivals, which are immutable).
struct ArrivalSpec {
  enum class Kind { kPaper, kConstant, kPoisson, kOffline, kBursty, kTrace };
  Kind kind = Kind::kPaper;
  double rate_hz = 0;  // mean requests per second; unused for offline and trace
  // bursty
  double on_rate_hz = 0, off_rate_hz = 0;
  double on_mean_s = 0, off_mean_s = 0;
  // trace: the file's arrivals, shifted to start at zero
  std::string trace_path;
  std::shared_ptr<const std::vector<Nanos>> trace;
  // As the user wrote it ("bursty:on=80,off=8"): what results record and configuration ids hash.
  std::string text = "paper";

  const std::string& name() const { return text; }
  // Whether the rate came from --rate (see arrival_needs_rate).
  bool needs_rate() const;
};

// Whether the named arrival process takes its rate from --rate (paper, constant, poisson, plain
// bursty) rather than from its own definition (offline, trace:FILE, bursty with on/off rates).
bool arrival_needs_rate(std::string_view name);

// Parses the kinds above; a trace file is read here. Throws UsageError naming the problem.
ArrivalSpec parse_arrival(std::string_view name, double rate_hz);

// The scheduled arrival of each of `count` requests, non-decreasing, in ns from the run's origin.
// A trace must hold at least `count` arrivals (UsageError otherwise).
std::vector<Nanos> generate_schedule(const ArrivalSpec& spec, std::size_t count, uint64_t seed);

}  // namespace gb
