// NvmlMeter: one NVIDIA GPU's energy through NVML, by the best source the GPU and driver offer:
//   1. the total-energy counter (mJ), read at window edges              -> kNvmlEnergy;
//   2. else the instantaneous power field (186) integrated over samples -> kNvmlPower;
//   3. else nvmlDeviceGetPowerUsage integrated over samples             -> kNvmlPower.
// Power samples for the trace come from field 186 when it works, else from GetPowerUsage, never
// from differencing the counter (what each source resolves, and why: docs/energy.md).
//
// Contract:
// - The GPU is named by its NVML index or by its UUID ("GPU-...") or PCI bus id
//   ("00000000:3B:00.0"), which CUDA reports too: NVML's indices ignore CUDA_VISIBLE_DEVICES and
//   CUDA's fastest-first order, so an index is right only by luck on a machine with several GPUs.
// - The constructor probes the sources once and throws UsageError when the GPU cannot be measured
//   at all. With a counter it also measures how often the counter advances (polling it for up to
//   ~1 s until it has changed a few times): counter_update_period(), shown in description().
// - edge_energy() (a window edge) waits for the counter's next update, polling it, and field 186
//   with it, every ~1/200 of the period. The value is the counter at that update less field 186
//   integrated from the first poll to the update: the energy at the first poll's instant, which it
//   returns as `at`. A poll that came too late to bracket the update tightly (a stalled thread)
//   restarts the edge at that poll, so `at` is later but the figure still exact; after 5 periods
//   of that it takes what it has. Without field 186 the edge is the update itself. A counter that
//   moves at every read needs none of this and is read as it is; one that did not move while
//   measured is read as it is too, and the description says its period is unknown.
// - During a run any NVML failure throws RunError naming the GPU; "GPU is lost" (NVML error 15)
//   says so explicitly.
//
// Lifetime: shares ownership of `lib`, so NVML stays initialised while any meter exists.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "energy/nvml_gpu.h"
#include "energy/nvml_library.h"
#include "energy/power_meter.h"

namespace gb {

class NvmlMeter final : public PowerMeter {
 public:
  NvmlMeter(std::shared_ptr<NvmlLibrary> lib, unsigned index);
  // By UUID ("GPU-..."; "MIG-..." is refused: NVML counts energy per physical GPU) or PCI bus id.
  NvmlMeter(std::shared_ptr<NvmlLibrary> lib, const std::string& uuid_or_pci_bus_id);
  // A GPU found already (find_nvml_gpu, find_measured_gpu).
  NvmlMeter(std::shared_ptr<NvmlLibrary> lib, NvmlGpu gpu);

  std::string domain() const override { return "gpu" + std::to_string(index_); }
  EnergyMethod method() const override {
    return has_counter_ ? EnergyMethod::kNvmlEnergy : EnergyMethod::kNvmlPower;
  }
  // e.g. "NVIDIA H100 80GB HBM3, enforced power limit 700 W, energy: total-energy counter (updates
  // every 100 ms; window edges aligned to its updates, bridged by field 186); power: field 186
  // (instant); GPU-5c1e...; GPU chosen by PCI bus id ..." (the UUID and the rule that chose the
  // GPU last, so that the name and the limit stay together)
  std::string description() const override;
  double sample_power_w() override;
  std::optional<double> energy_j() override;
  EdgeEnergy edge_energy() override;
  std::optional<Nanos> counter_update_period() const override { return update_period_; }
  // NVML_TEMPERATURE_GPU; nullopt where the driver lacks the call or the GPU the sensor.
  std::optional<double> temperature_c() override;

  // Appended to description() ("GPU chosen by PCI bus id ..."): how the caller picked this GPU.
  void set_choice(std::string rule) { choice_ = std::move(rule); }

  unsigned index() const { return index_; }
  const std::string& device_name() const { return name_; }
  const std::string& uuid() const { return uuid_; }  // "" when the driver cannot say
  // NVML's enforced power limit now; nullopt where the driver cannot say.
  std::optional<double> enforced_power_limit_w() const override;

 private:
  // One read of the counter (and of field 186 when `with_power`), stamped with the middle of the
  // interval the reads took.
  struct Poll {
    SteadyClock::time_point t;
    SteadyClock::duration span{};  // how long the reads took
    unsigned long long mj = 0;
    double watts = 0;
  };
  enum class Counter { kNone, kStepped, kContinuous, kUnknownPeriod };

  void open();  // everything after the handle and index are known
  void measure_update_period();
  Poll poll(bool with_power);
  [[noreturn]] void fail(const char* what, nvml::Return ret) const;
  // Field 186 in mW; returns the per-field status (the call's own failure is folded in).
  nvml::Return read_instant_power(double* milliwatts);

  std::shared_ptr<NvmlLibrary> lib_;
  unsigned index_ = 0;
  nvml::Device device_ = nullptr;
  std::string name_;
  std::string uuid_;
  std::string choice_;
  bool has_counter_ = false;
  bool has_instant_field_ = false;
  Counter counter_ = Counter::kNone;
  std::optional<Nanos> update_period_;  // set exactly when counter_ == kStepped
  unsigned long long counter_origin_mj_ = 0;
};

}  // namespace gb
