// A PowerMeter reads one energy domain (a GPU, a CPU package, DRAM, the whole platform, or an
// estimate of this process's CPU draw) and says how its figures are produced, so that no number is
// ever shown without its method.
//
// Contract:
// - Calls come from one thread at a time (PowerSampler serialises them); implementations need no
//   locking of their own.
// - sample_power_w() returns watts now: for counter-based meters, the mean power since the previous
//   call; for instantaneous readings, the reading.
// - energy_j() returns cumulative joules since the meter was opened when the meter has a counter
//   (hardware, or the estimator's exact CPU-time model); nullopt when energy must be integrated
//   from power samples instead. A counter that advances in steps returns its value at its last
//   step, which may be up to one update period old.
// - edge_energy() is what a window edge reads (PowerSampler::read_energy): the cumulative joules
//   and the instant they hold. The default is energy_j() at the instant of the call. A meter whose
//   counter advances in steps (counter_update_period() set) overrides it to wait, bounded, for
//   its next step, so that the value is exact at a known instant (docs/energy.md, "Counter
//   edges"); it may then block for about one update period.
// - counter_update_period() is how often such a counter advances, as measured when the meter
//   opened; nullopt for counters read continuously and for meters without a counter. Windows
//   shorter than kMinCounterUpdatesPerWindow of it are flagged (short_window_warning()).
// - temperature_c() is the device's temperature now, where the meter can read one (NVML's GPU
//   sensor); nullopt otherwise, and on any failure to read it: it labels a run, so it never
//   throws. Called like the others: from one thread, with no sampler running on the meter.
// - enforced_power_limit_w() is the device's power limit in force now, where the meter can read
//   one (NVML's enforced limit); nullopt otherwise and on any failure, like temperature_c().
// - Hardware failures (a GPU lost mid-run) throw RunError.
#pragma once

#include <optional>
#include <string>

#include "common/time.h"
#include "energy/energy_method.h"

namespace gb {

struct EdgeEnergy {
  std::optional<double> joules;  // as energy_j()
  // The steady-clock instant `joules` holds; nullopt: the instant of the call.
  std::optional<SteadyClock::time_point> at;
};

class PowerMeter {
 public:
  virtual ~PowerMeter() = default;
  virtual std::string domain() const = 0;  // e.g. "gpu0", "package-0", "platform", "cpu"
  virtual EnergyMethod method() const = 0;
  // What exactly is measured, for the results (device name, power limit, counter file, model).
  virtual std::string description() const = 0;
  virtual double sample_power_w() = 0;
  virtual std::optional<double> energy_j() = 0;
  virtual EdgeEnergy edge_energy() { return {energy_j(), std::nullopt}; }
  virtual std::optional<Nanos> counter_update_period() const { return std::nullopt; }
  virtual std::optional<double> temperature_c() { return std::nullopt; }
  virtual std::optional<double> enforced_power_limit_w() const { return std::nullopt; }
};

// Below this many counter updates a window's energy rests on too few of the counter's own steps
// to be trusted to a percent on real hardware, even with aligned edges (update jitter, the 1 mJ
// resolution, the instantaneous samples that bridge the edges).
inline constexpr int kMinCounterUpdatesPerWindow = 10;

// A one-line warning when a window of `length` is shorter than kMinCounterUpdatesPerWindow
// updates of `meter`'s counter; "" otherwise (and for meters without a stepped counter).
std::string short_window_warning(const PowerMeter& meter, Nanos length);

}  // namespace gb
