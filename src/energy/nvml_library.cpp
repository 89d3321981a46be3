#include "energy/nvml_library.h"

#include <dlfcn.h>

#include <mutex>

namespace gb {
namespace {

template <typename Fn>
Fn resolve(void* handle, const char* v2, const char* v1) {
  void* sym = dlsym(handle, v2);
  if (!sym && v1) sym = dlsym(handle, v1);
  return reinterpret_cast<Fn>(sym);
}

}  // namespace

std::shared_ptr<NvmlLibrary> NvmlLibrary::open(std::string* why) {
  // One instance per process: nvmlInit/nvmlShutdown are reference-counted by NVML, but a single
  // holder keeps the probe (greenbatch devices) and the meters on the same initialisation.
  static std::mutex mutex;
  static std::weak_ptr<NvmlLibrary> current;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto lib = current.lock()) return lib;

  std::shared_ptr<NvmlLibrary> lib(new NvmlLibrary());
  for (const char* name : {"libnvidia-ml.so.1", "libnvidia-ml.so"}) {
    lib->handle_ = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib->handle_) {
      lib->path_ = name;
      break;
    }
  }
  if (!lib->handle_) {
    *why = "no NVIDIA driver: libnvidia-ml.so.1 cannot be loaded";
    return nullptr;
  }
  void* h = lib->handle_;
  const auto init = resolve<nvml::InitFn>(h, "nvmlInit_v2", "nvmlInit");
  lib->shutdown = resolve<nvml::ShutdownFn>(h, "nvmlShutdown", nullptr);
  lib->error_string_fn = resolve<nvml::ErrorStringFn>(h, "nvmlErrorString", nullptr);
  lib->get_count = resolve<nvml::GetCountFn>(h, "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount");
  lib->get_handle_by_index = resolve<nvml::GetHandleByIndexFn>(h, "nvmlDeviceGetHandleByIndex_v2",
                                                               "nvmlDeviceGetHandleByIndex");
  lib->get_name = resolve<nvml::GetNameFn>(h, "nvmlDeviceGetName", nullptr);
  lib->get_power_usage = resolve<nvml::GetPowerUsageFn>(h, "nvmlDeviceGetPowerUsage", nullptr);
  lib->get_total_energy =
      resolve<nvml::GetTotalEnergyFn>(h, "nvmlDeviceGetTotalEnergyConsumption", nullptr);
  lib->get_field_values = resolve<nvml::GetFieldValuesFn>(h, "nvmlDeviceGetFieldValues", nullptr);
  lib->get_enforced_power_limit =
      resolve<nvml::GetEnforcedPowerLimitFn>(h, "nvmlDeviceGetEnforcedPowerLimit", nullptr);
  lib->get_driver_version =
      resolve<nvml::SystemGetDriverVersionFn>(h, "nvmlSystemGetDriverVersion", nullptr);
  lib->get_handle_by_uuid =
      resolve<nvml::GetHandleByUuidFn>(h, "nvmlDeviceGetHandleByUUID", nullptr);
  lib->get_handle_by_pci_bus_id = resolve<nvml::GetHandleByPciBusIdFn>(
      h, "nvmlDeviceGetHandleByPciBusId_v2", "nvmlDeviceGetHandleByPciBusId");
  lib->get_uuid = resolve<nvml::GetUuidFn>(h, "nvmlDeviceGetUUID", nullptr);
  // _v3 and _v2 fill the same struct; the unversioned one (pre-2012 drivers) a shorter one, so it
  // is not used.
  lib->get_pci_info =
      resolve<nvml::GetPciInfoFn>(h, "nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2");
  lib->get_temperature = resolve<nvml::GetTemperatureFn>(h, "nvmlDeviceGetTemperature", nullptr);
  lib->get_power_limit_constraints = resolve<nvml::GetPowerLimitConstraintsFn>(
      h, "nvmlDeviceGetPowerManagementLimitConstraints", nullptr);
  lib->get_power_limit =
      resolve<nvml::GetPowerManagementLimitFn>(h, "nvmlDeviceGetPowerManagementLimit", nullptr);
  lib->set_power_limit =
      resolve<nvml::SetPowerManagementLimitFn>(h, "nvmlDeviceSetPowerManagementLimit", nullptr);
  lib->set_locked_clocks =
      resolve<nvml::SetGpuLockedClocksFn>(h, "nvmlDeviceSetGpuLockedClocks", nullptr);
  lib->reset_locked_clocks =
      resolve<nvml::ResetGpuLockedClocksFn>(h, "nvmlDeviceResetGpuLockedClocks", nullptr);
  lib->get_max_clock = resolve<nvml::GetMaxClockInfoFn>(h, "nvmlDeviceGetMaxClockInfo", nullptr);

  const std::pair<const void*, const char*> required[] = {
      {reinterpret_cast<const void*>(init), "nvmlInit_v2"},
      {reinterpret_cast<const void*>(lib->shutdown), "nvmlShutdown"},
      {reinterpret_cast<const void*>(lib->error_string_fn), "nvmlErrorString"},
      {reinterpret_cast<const void*>(lib->get_count), "nvmlDeviceGetCount_v2"},
      {reinterpret_cast<const void*>(lib->get_handle_by_index), "nvmlDeviceGetHandleByIndex_v2"},
      {reinterpret_cast<const void*>(lib->get_name), "nvmlDeviceGetName"},
      {reinterpret_cast<const void*>(lib->get_power_usage), "nvmlDeviceGetPowerUsage"},
  };
  for (const auto& [fn, name] : required) {
    if (!fn) {
      *why = lib->path_ + " lacks " + name + " (driver too old, or not NVIDIA's library)";
      return nullptr;
    }
  }
  const nvml::Return ret = init();
  if (ret != nvml::kSuccess) {
    *why = "nvmlInit failed: " + lib->error_string(ret);
    return nullptr;
  }
  lib->initialised_ = true;
  current = lib;
  return lib;
}

NvmlLibrary::~NvmlLibrary() {
  if (initialised_ && shutdown) shutdown();
  // The handle stays open: CUDA or other code in this process may hold NVML too, and unloading a
  // driver library mid-process buys nothing.
}

std::string NvmlLibrary::driver_version() const {
  char buf[96] = {};
  if (!get_driver_version || get_driver_version(buf, sizeof buf) != nvml::kSuccess) return "";
  return buf;
}

std::string NvmlLibrary::error_string(nvml::Return ret) const {
  const char* text = error_string_fn ? error_string_fn(ret) : nullptr;
  return std::string(text ? text : "unknown error") + " (NVML error " + std::to_string(ret) + ")";
}

}  // namespace gb
