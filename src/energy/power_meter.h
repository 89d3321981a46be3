// A PowerMeter reads one energy domain (a GPU, a CPU package, DRAM, or an estimate of this
// process's CPU draw) and says how its figures are produced, so that no number is ever shown
// without its method.
//
// Contract:
// - Calls come from one thread at a time (PowerSampler serialises them); implementations need no
//   locking of their own.
// - sample_power_w() returns watts now: for counter-based meters, the mean power since the previous
//   call; for instantaneous readings, the reading.
// - energy_j() returns cumulative joules since the meter was opened when the meter has a counter
//   (hardware, or the estimator's exact CPU-time model); nullopt when energy must be integrated
//   from power samples instead.
// - Hardware failures (a GPU lost mid-run) throw RunError.
#pragma once

#include <optional>
#include <string>

#include "energy/energy_method.h"

namespace gb {

class PowerMeter {
 public:
  virtual ~PowerMeter() = default;
  virtual std::string domain() const = 0;  // e.g. "gpu0", "package-0", "cpu"
  virtual EnergyMethod method() const = 0;
  // What exactly is measured, for the results (device name, power limit, counter file, model).
  virtual std::string description() const = 0;
  virtual double sample_power_w() = 0;
  virtual std::optional<double> energy_j() = 0;
};

}  // namespace gb
