#include "energy/nvml_gpu.h"

#include <fmt/format.h>

#include "common/errors.h"

namespace gb {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

unsigned nvml_device_count(NvmlLibrary& lib) {
  unsigned n = 0;
  return lib.get_count(&n) == nvml::kSuccess ? n : 0;
}

NvmlGpu find_nvml_gpu(NvmlLibrary& lib, unsigned index) {
  const unsigned count = nvml_device_count(lib);
  if (index >= count) {
    throw UsageError(fmt::format("GPU index {} out of range: NVML sees {} GPU(s)", index, count));
  }
  NvmlGpu gpu;
  gpu.index = index;
  const nvml::Return ret = lib.get_handle_by_index(index, &gpu.handle);
  if (ret != nvml::kSuccess) {
    throw UsageError(fmt::format("NVML cannot open GPU {}: {}", index, lib.error_string(ret)));
  }
  return gpu;
}

NvmlGpu find_nvml_gpu(NvmlLibrary& lib, const std::string& id) {
  if (starts_with(id, "MIG-")) {
    throw UsageError("GPU " + id +
                     " is a MIG instance: NVML counts energy per physical GPU; name the GPU's own "
                     "UUID (nvidia-smi -L lists it above its instances)");
  }
  const bool by_uuid = starts_with(id, "GPU-");
  const char* call = by_uuid ? "nvmlDeviceGetHandleByUUID" : "nvmlDeviceGetHandleByPciBusId_v2";
  const auto lookup = by_uuid ? lib.get_handle_by_uuid : lib.get_handle_by_pci_bus_id;
  if (!lookup) {
    throw UsageError(fmt::format("GPU {}: {} lacks {} (driver too old); name the GPU by index", id,
                                 lib.path(), call));
  }
  NvmlGpu gpu;
  const nvml::Return ret = lookup(id.c_str(), &gpu.handle);
  if (ret != nvml::kSuccess) {
    throw UsageError(fmt::format("NVML knows no GPU with {} {}: {}",
                                 by_uuid ? "UUID" : "PCI bus id", id, lib.error_string(ret)));
  }
  // The index names the domain ("gpuN") as `greenbatch devices` lists it; NVML's handles are
  // stable per device, so the index is the one whose handle this is.
  const unsigned count = nvml_device_count(lib);
  for (unsigned i = 0; i < count; ++i) {
    nvml::Device h = nullptr;
    if (lib.get_handle_by_index(i, &h) == nvml::kSuccess && h == gpu.handle) {
      gpu.index = i;
      return gpu;
    }
  }
  throw UsageError("GPU " + id + " is not one of the " + std::to_string(count) +
                   " GPUs NVML enumerates (a MIG instance?): name a physical GPU");
}

std::string nvml_gpu_uuid(NvmlLibrary& lib, nvml::Device gpu) {
  char uuid[nvml::kUuidBufferSize] = {};
  if (!lib.get_uuid || lib.get_uuid(gpu, uuid, sizeof uuid) != nvml::kSuccess) return "";
  return uuid;
}

}  // namespace gb
