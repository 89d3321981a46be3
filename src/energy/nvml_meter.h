// NvmlMeter: one NVIDIA GPU's energy through NVML, by the best source the GPU and driver offer:
//   1. the total-energy counter (mJ), read at window edges              -> kNvmlEnergy;
//   2. else the instantaneous power field (186) integrated over samples -> kNvmlPower;
//   3. else nvmlDeviceGetPowerUsage integrated over samples             -> kNvmlPower.
// Power samples for the trace come from field 186 when it works, else from GetPowerUsage, never
// from differencing the counter (what each source resolves, and why: docs/energy.md).
//
// Contract: the constructor probes the sources once and throws UsageError when the GPU cannot be
// measured at all. During a run any NVML failure throws RunError naming the GPU; "GPU is lost"
// (NVML error 15) says so explicitly.
//
// Lifetime: shares ownership of `lib`, so NVML stays initialised while any meter exists.
#pragma once

#include <memory>
#include <string>

#include "energy/nvml_library.h"
#include "energy/power_meter.h"

namespace gb {

class NvmlMeter final : public PowerMeter {
 public:
  NvmlMeter(std::shared_ptr<NvmlLibrary> lib, unsigned index);

  std::string domain() const override { return "gpu" + std::to_string(index_); }
  EnergyMethod method() const override {
    return has_counter_ ? EnergyMethod::kNvmlEnergy : EnergyMethod::kNvmlPower;
  }
  // e.g. "NVIDIA H100 80GB HBM3, enforced power limit 700 W, energy counter; power: field 186"
  std::string description() const override;
  double sample_power_w() override;
  std::optional<double> energy_j() override;

  const std::string& device_name() const { return name_; }
  std::optional<double> power_limit_w() const { return power_limit_w_; }

 private:
  [[noreturn]] void fail(const char* what, nvml::Return ret) const;
  // Field 186 in mW; returns the per-field status (the call's own failure is folded in).
  nvml::Return read_instant_power(double* milliwatts);

  std::shared_ptr<NvmlLibrary> lib_;
  unsigned index_;
  nvml::Device device_ = nullptr;
  std::string name_;
  std::optional<double> power_limit_w_;
  bool has_counter_ = false;
  bool has_instant_field_ = false;
  unsigned long long counter_origin_mj_ = 0;
};

// How many GPUs NVML sees (0 when the library is unusable).
unsigned nvml_device_count(NvmlLibrary& lib);

}  // namespace gb
