// NvmlLibrary: NVIDIA's management library, opened at run time with dlopen (libnvidia-ml.so.1, then
// libnvidia-ml.so), so greenbatch runs where no driver exists and says why NVML is unavailable.
//
// Contract:
// - open() returns the one initialised instance of this process (shared by the prober and every
//   meter), or nullptr with `why` set: no library, a required symbol missing, nvmlInit failing.
//   nvmlShutdown happens when the last holder lets go (the library itself stays loaded).
// - The _v2 entry points are preferred and the unversioned ones used when absent (old drivers).
//   Required: init, shutdown, error string, device count, handle by index, name, power usage.
//   Optional (nullptr when absent): total energy, field values (field 186, instantaneous power:
//   drivers before ~R450 lack the call or the field), enforced power limit, driver version, and
//   the lookups that tie a CUDA device to its NVML handle (handle by UUID, by PCI bus id; a
//   device's UUID and PCI info), the GPU's temperature, and the power-limit and clock calls
//   (energy/gpu_control.h says which a setting needs, and refuses it when they are absent).
// - Calls are not serialised here; NVML itself is thread-safe.
#pragma once

#include <memory>
#include <string>

#include "energy/nvml_api.h"

namespace gb {

class NvmlLibrary {
 public:
  static std::shared_ptr<NvmlLibrary> open(std::string* why);
  ~NvmlLibrary();
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  // "GPU is lost" etc., from nvmlErrorString, with the numeric code.
  std::string error_string(nvml::Return ret) const;
  const std::string& path() const { return path_; }  // the file that was loaded

  nvml::ShutdownFn shutdown = nullptr;
  nvml::ErrorStringFn error_string_fn = nullptr;
  nvml::GetCountFn get_count = nullptr;
  nvml::GetHandleByIndexFn get_handle_by_index = nullptr;
  nvml::GetNameFn get_name = nullptr;
  nvml::GetPowerUsageFn get_power_usage = nullptr;
  nvml::GetTotalEnergyFn get_total_energy = nullptr;                       // optional
  nvml::GetFieldValuesFn get_field_values = nullptr;                       // optional
  nvml::GetEnforcedPowerLimitFn get_enforced_power_limit = nullptr;        // optional
  nvml::SystemGetDriverVersionFn get_driver_version = nullptr;             // optional
  nvml::GetHandleByUuidFn get_handle_by_uuid = nullptr;                    // optional
  nvml::GetHandleByPciBusIdFn get_handle_by_pci_bus_id = nullptr;          // optional
  nvml::GetUuidFn get_uuid = nullptr;                                      // optional
  nvml::GetPciInfoFn get_pci_info = nullptr;                               // optional
  nvml::GetTemperatureFn get_temperature = nullptr;                        // optional
  nvml::GetPowerLimitConstraintsFn get_power_limit_constraints = nullptr;  // optional
  nvml::GetPowerManagementLimitFn get_power_limit = nullptr;               // optional
  nvml::SetPowerManagementLimitFn set_power_limit = nullptr;               // optional
  nvml::SetGpuLockedClocksFn set_locked_clocks = nullptr;                  // optional
  nvml::ResetGpuLockedClocksFn reset_locked_clocks = nullptr;              // optional
  nvml::GetMaxClockInfoFn get_max_clock = nullptr;                         // optional

  std::string driver_version() const;  // "" when unknown

 private:
  NvmlLibrary() = default;
  void* handle_ = nullptr;
  bool initialised_ = false;
  std::string path_;
};

}  // namespace gb
