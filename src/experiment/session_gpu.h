// SessionGpu: a session's GPU power limit and locked clocks, applied for one run (or one profile)
// at a time and put back after it, so that the GPU is as it was between configurations (and after
// greenbatch, by energy/gpu_control.h's state file, whatever happens).
//
// Contract:
// - prepare(setting) restores whatever an earlier run left held, applies `setting` (nothing when
//   it is empty), and after any change since power last settled (this one, or the previous run's
//   restoring) waits for power to settle, as the idle baseline does (bounded by the session's
//   idle_settle; experiment/settling.h). Under a setting the idle baseline is measured once per
//   distinct setting (for idle_duration), since the GPU's idle draw moves with its clocks; the
//   runs at that setting take their idle power from it. UsageError / RunError as GpuControl's and
//   GpuHold's.
// - restore() puts the GPU back and returns the line saying what it did ("" when nothing was
//   held); RunError when NVML refuses. The destructor restores too, swallowing a failure (the
//   state file keeps the entry for the next start).
//
// Lifetime: the meters given to prepare() must stay valid during the call only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "energy/gpu_control.h"
#include "energy/power_meter.h"
#include "results/run_spec.h"

namespace gb {

// What preparing did, for the run's summary.
struct GpuPrepared {
  std::optional<double> settle_s;  // set when power was settled after a change
  bool settled = true;
  std::optional<double> spread;
  std::vector<double> idle_w;  // the idle baseline under the setting; empty: the session's
};

class SessionGpu {
 public:
  explicit SessionGpu(const SessionSpec& base) : base_(base) {}
  ~SessionGpu();
  SessionGpu(const SessionGpu&) = delete;
  SessionGpu& operator=(const SessionGpu&) = delete;

  GpuPrepared prepare(const GpuSetting& setting, const std::vector<PowerMeter*>& meters,
                      const std::function<void(const std::string&)>& log);
  std::string restore();

 private:
  SessionSpec base_;
  std::optional<MeterOptions> options_;  // asked of the CUDA driver once, at the first setting
  std::unique_ptr<GpuControl> control_;  // declared before the hold, which refers to it
  std::unique_ptr<GpuHold> hold_;
  bool changed_ = false;
  std::map<GpuSetting, std::vector<double>> idle_;
};

}  // namespace gb
