// PowerSampler: one thread that reads every meter at a fixed interval on absolute deadlines (no
// drift), timestamped on the run's steady-clock origin so samples line up with request timestamps.
// Window edges (start/end of a measurement) read the meters' energy counters through read_energy(),
// serialised with the sampling thread.
//
// read_energy() reads every meter's edge_energy() (power_meter.h): the continuous counters at the
// call, then the stepped ones (NVML's), which wait for their counter's next update. The reading's
// `t` is the instant the first stepped meter's value holds (within a few milliseconds of the call
// unless the machine stalled the wait), else the call's. So the call may block for about one
// counter update period (~20-100 ms, bounded at a few periods), during which the sampling thread
// waits too: the trace has a gap of that length at each edge. A caller that starts a timed
// workload should start it after the start edge returns (its origin after that edge).
//
// Contract:
// - Every meter call is made under the sampler's lock, so the meters see one thread at a time
//   (PowerMeter's contract) provided nothing else calls them while the sampler exists.
// - A meter error inside the thread (e.g. the GPU was lost) stops sampling and is kept: error()
//   returns it, and the caller decides to end the run, keeping what was measured.
// - stop(), which the destructor also calls, joins the thread.
//
// Lifetime: keeps the meters by pointer, without owning them; they must outlive the sampler.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/time.h"
#include "energy/power_meter.h"

namespace gb {

struct PowerSample {
  Nanos t;
  float watts;
  uint32_t meter;  // index into the sampler's meters
};

struct EnergyReading {
  Nanos t;                                    // the instant the readings hold (see read_energy())
  std::vector<std::optional<double>> joules;  // per meter; nullopt for meters without a counter
};

class PowerSampler {
 public:
  // UsageError unless interval > 0.
  PowerSampler(std::vector<PowerMeter*> meters, Nanos interval, SteadyClock::time_point origin);
  ~PowerSampler();
  PowerSampler(const PowerSampler&) = delete;
  PowerSampler& operator=(const PowerSampler&) = delete;

  void start();
  void stop();
  EnergyReading read_energy();
  // Samples taken so far, in time order; call after stop() (or accept a snapshot copy).
  std::vector<PowerSample> samples() const;
  std::optional<std::string> error() const;
  Nanos interval() const { return interval_; }
  const std::vector<PowerMeter*>& meters() const { return meters_; }
  Nanos now() const;

 private:
  void loop();

  std::vector<PowerMeter*> meters_;
  Nanos interval_;
  SteadyClock::time_point origin_;
  mutable std::mutex mutex_;  // guards meters_ calls, samples_, error_
  std::condition_variable wake_;
  std::vector<PowerSample> samples_;
  std::optional<std::string> error_;
  bool stopping_ = false;
  std::thread thread_;
};

// Interval statistics of one meter's samples: what the sampler achieved, not what was asked.
struct IntervalStats {
  double mean_ms = 0;
  double p99_ms = 0;
  std::size_t count = 0;
};
IntervalStats interval_stats(const std::vector<PowerSample>& samples, uint32_t meter);

// Energy in J of one meter over [t0, t1] by the trapezoid rule on its samples; the power before the
// first and after the last sample inside the window is held constant (the nearest sample).
double trapezoid_energy(const std::vector<PowerSample>& samples, uint32_t meter, Nanos t0,
                        Nanos t1);

// Mean of a meter's samples above `threshold_w` in [t0, t1] (the paper's "average peak power");
// nullopt when no sample exceeds it.
std::optional<double> mean_above(const std::vector<PowerSample>& samples, uint32_t meter,
                                 double threshold_w, Nanos t0, Nanos t1);

}  // namespace gb
