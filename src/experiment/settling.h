// Settling and the idle baseline: waiting, sampling the meters, until power is steady, then
// measuring the mean power with the device idle. A session does it once after warm-up (thread
// pools spinning down) and again after every change of its GPU's power limit or clocks, which
// takes the GPU a moment to follow (docs/energy.md, "Settling").
//
// Contract:
// - Settled means: the means of the last kSettleWindows windows (settle_window() each) lie within
//   kSettleSpread of their mean, for every meter. The wait ends then, or at `bound`, or when a
//   meter fails (the caller reports it).
// - measure_idle() opens its own sampler on `meters`, settles (bound 0: no wait), then measures
//   for `duration` (0: no measurement, idle_w empty). It logs what it waits for and a warning when
//   power did not settle, naming `after` ("" after warm-up: the baseline's words; else what
//   changed, "the GPU's change to 200 W"). RunError when a meter fails.
// - The meters must not be sampled by anything else meanwhile (power_meter.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "energy/power_meter.h"
#include "energy/sampler.h"

namespace gb {

inline constexpr std::size_t kSettleWindows = 3;
inline constexpr double kSettleSpread = 0.03;

struct Settling {
  double seconds = 0;
  std::optional<double> spread;  // of the last windows (two at least), the worst meter's
  bool settled = false;
};

// A window long enough that its mean rests on several of every meter's own updates and samples.
Nanos settle_window(const std::vector<PowerMeter*>& meters, Nanos sample_interval);
Settling settle(PowerSampler& sampler, Nanos bound, Nanos window);

struct IdleMeasurement {
  Settling settling;
  std::vector<double> idle_w;  // per meter; empty without a measurement
};
IdleMeasurement measure_idle(const std::vector<PowerMeter*>& meters, Nanos sample_interval,
                             Nanos bound, Nanos duration, const std::string& after,
                             const std::function<void(const std::string&)>& log);

}  // namespace gb
