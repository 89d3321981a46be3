// Finding one physical GPU among those NVML enumerates: by NVML's index, or by an identity CUDA
// reports too (the UUID "GPU-..." or the PCI bus id "00000000:3B:00.0"). The NVML meter and the
// GPU's power-limit and clock control (energy/gpu_control.h) both find their GPU here, so that
// what is measured and what is set are the same GPU.
//
// Contract: each lookup returns the handle and its NVML index, or throws UsageError naming the
// GPU and why (index out of range, a MIG instance, the lookup call missing from an old driver,
// no GPU with that identity, an identity that is not one of the enumerated GPUs).
#pragma once

#include <string>

#include "energy/nvml_library.h"

namespace gb {

struct NvmlGpu {
  nvml::Device handle = nullptr;
  unsigned index = 0;
};

NvmlGpu find_nvml_gpu(NvmlLibrary& lib, unsigned index);
// "MIG-..." is refused: NVML counts energy and sets limits per physical GPU.
NvmlGpu find_nvml_gpu(NvmlLibrary& lib, const std::string& uuid_or_pci_bus_id);

// The GPU's UUID as NVML spells it; "" when the driver lacks nvmlDeviceGetUUID or it fails.
std::string nvml_gpu_uuid(NvmlLibrary& lib, nvml::Device gpu);

// How many GPUs NVML sees (0 when the library is unusable).
unsigned nvml_device_count(NvmlLibrary& lib);

}  // namespace gb
