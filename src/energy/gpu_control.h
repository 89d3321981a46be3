// GpuControl and GpuHold: the power limit and locked graphics clocks of the GPU a model runs on,
// through NVML, always put back (docs/energy.md, "GPU power limit and clocks"). These settings
// belong to the GPU, not to the process: they outlive it, so every change is first recorded in
// the GPU state file (energy/gpu_state.h) and undone after use, on an interrupt, or by the next
// greenbatch start once its holder is gone.
//
// Contract:
// - GpuControl::open(options, needs) opens the GPU `options` name by the NVML meter's rule
//   (energy/meters.h: the CUDA device's identity, --gpu-index, the device's index), so that the
//   GPU set is the GPU measured. UsageError when NVML is unavailable, the model runs on the CPU
//   and no GPU is named, the GPU has no UUID (the state file's key), or the driver lacks a call
//   `needs` uses (power limit: nvmlDeviceGetPowerManagementLimitConstraints, ...GetPower
//   ManagementLimit, ...SetPowerManagementLimit; clocks: nvmlDeviceSetGpuLockedClocks,
//   ...ResetGpuLockedClocks).
// - check(setting), before anything runs, makes sure that `setting` can be applied: no other live
//   process holds the GPU, the limit lies within the GPU's constraints, the clocks within its
//   maximum graphics clock, and this process may set them (root): the limit is set to the value
//   it has (no change), the clocks are locked and at once reset under a GpuHold. UsageError, one
//   line, otherwise.
// - The set calls throw RunError naming the GPU and the call; NVML_ERROR_NO_PERMISSION says that
//   root is needed.
// - GpuHold(control, setting) records the originals (the limit as it was; that the clocks were
//   locked) in the state file, durably, and only then applies `setting`. An entry left by a holder
//   that is gone is taken over with its originals, which are the GPU's true ones. restore() puts
//   the limit back and resets the clocks (NVML cannot read locked clocks, so resetting to the
//   driver's default is the only restoring there is), removes the entry and says what it did in
//   one line. The destructor restores when restore() was not called, swallowing a failure: the
//   entry then stays for the next start.
// - One hold per GPU per process. restore_held_gpu_settings() restores every hold of this process
//   from any thread (the interrupt watcher of apps/greenbatch/terminal.cpp); after it no new hold
//   can be made (RunError). gpu_settings_held() is async-signal-safe.
//
// Lifetime: a GpuHold refers to its GpuControl, which must outlive it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "energy/gpu_setting.h"
#include "energy/gpu_state.h"
#include "energy/meters.h"
#include "energy/nvml_gpu.h"
#include "energy/nvml_library.h"

namespace gb {

struct GpuControlStatus;

class GpuControl {
 public:
  static std::unique_ptr<GpuControl> open(const MeterOptions& options, const GpuSetting& needs);
  // The GPU with this UUID, for restoring an entry of the state file.
  static std::unique_ptr<GpuControl> open_uuid(const std::string& uuid, const GpuSetting& needs);

  const std::string& uuid() const { return uuid_; }
  // "GPU 0 (NVIDIA H100 80GB HBM3, GPU-5c1e...)"
  std::string describe() const;

  struct Range {
    unsigned min_mw = 0, max_mw = 0;
  };
  Range power_limit_range() const;                // UsageError when NVML cannot say
  unsigned power_limit_mw() const;                // the management limit now; UsageError likewise
  std::optional<unsigned> max_clock_mhz() const;  // none where the driver cannot say

  void check(const GpuSetting& setting);

  void set_power_limit_mw(unsigned mw);
  void lock_clocks(unsigned mhz);  // min = max = mhz
  void reset_clocks();

 private:
  friend std::vector<GpuControlStatus> probe_gpu_controls();
  GpuControl(std::shared_ptr<NvmlLibrary> lib, NvmlGpu gpu, const GpuSetting& needs);
  [[noreturn]] void fail(const std::string& what, nvml::Return ret) const;

  std::shared_ptr<NvmlLibrary> lib_;
  NvmlGpu gpu_;
  std::string uuid_, name_;
};

class GpuHold {
 public:
  GpuHold(GpuControl& control, const GpuSetting& setting);
  ~GpuHold();
  GpuHold(const GpuHold&) = delete;
  GpuHold& operator=(const GpuHold&) = delete;

  std::string restore();  // "" when already restored

 private:
  friend std::vector<std::string> restore_held_gpu_settings();
  std::string restore_locked();  // REQUIRES: the registry's lock

  GpuControl& control_;
  GpuStateEntry entry_;
  bool restored_ = false;
};

std::vector<std::string> restore_held_gpu_settings();
bool gpu_settings_held();

// Entries of the state file whose holder is gone: each restored and removed (`restored`), or kept
// when that fails (`failed`, with why and what to do). Entries of live processes and of other
// hosts are never touched (`left`). Nothing happens, and nothing is loaded, without a state file.
// UsageError when the file is unreadable or malformed.
struct GpuRestoreReport {
  std::vector<std::string> restored, left, failed;
};
GpuRestoreReport restore_abandoned_gpu_settings();

// What `greenbatch devices` shows of each GPU NVML sees: the limit now, the range it may be set
// in and the highest graphics clock, or why none can be set.
struct GpuControlStatus {
  std::string name;  // "nvml gpu0"
  std::string uuid;
  std::optional<double> limit_w, min_w, max_w;
  std::optional<unsigned> max_clock_mhz;
  std::string why;  // non-empty: not settable
};
std::vector<GpuControlStatus> probe_gpu_controls();

}  // namespace gb
