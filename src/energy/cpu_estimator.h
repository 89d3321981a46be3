// CpuEstimator: the meter used only where no energy counter exists (as on CI), a linear
// utilisation model of this process's CPU draw,
//     P = P_idle + (P_max - P_idle) * u,   u = process CPU time / (wall time * logical CPUs).
// Energy is exact for that model (it integrates CPU time, not samples). Its method is kEstimate:
// its figures are never presented as measurements. The defaults, and why they are round figures
// rather than a calibration: docs/energy.md.
//
// Lifetime: the clocks are copied and called on every reading; whatever they refer to must
// outlive the estimator.
#pragma once

#include <functional>

#include "common/time.h"
#include "energy/power_meter.h"

namespace gb {

struct EstimatorParams {
  double idle_w = 10.0;
  double max_w = 0;   // 0 = default: idle_w + 8 W per logical CPU
  unsigned cpus = 0;  // 0 = std::thread::hardware_concurrency()
  // The process whose CPU time is modelled: 0 this one; else another of this machine (a server
  // under `greenbatch load`), read from /proc/PID/stat at the kernel's clock-tick resolution.
  int pid = 0;
};

// The CPU time (user + system, every thread, living or ended) of process `pid` of this machine;
// RunError when it cannot be read (the process ended).
Nanos other_process_cpu_time(int pid);

class CpuEstimator final : public PowerMeter {
 public:
  // Clocks are injectable so the model is testable exactly; the defaults read this process.
  using Clock = std::function<Nanos()>;
  explicit CpuEstimator(EstimatorParams params = {}, Clock wall = {}, Clock cpu = {});

  std::string domain() const override { return "cpu"; }
  EnergyMethod method() const override { return EnergyMethod::kEstimate; }
  std::string description() const override;
  double sample_power_w() override;
  std::optional<double> energy_j() override;

  double idle_w() const { return idle_w_; }
  double max_w() const { return max_w_; }
  unsigned cpus() const { return cpus_; }

 private:
  double power_between(Nanos wall, Nanos cpu) const;

  double idle_w_;
  double max_w_;
  unsigned cpus_;
  int pid_;
  Clock wall_;
  Clock cpu_;
  Nanos wall_origin_, cpu_origin_;
  Nanos wall_last_, cpu_last_;
};

}  // namespace gb
