#include "energy/cuda_device.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "energy/cuda_api.h"

namespace gb {
namespace {

template <typename Fn>
Fn resolve(void* handle, const char* name) {
  return reinterpret_cast<Fn>(dlsym(handle, name));
}

std::string error_text(cuda::GetErrorStringFn error_string, cuda::Result r) {
  const char* text = nullptr;
  if (error_string && error_string(r, &text) != cuda::kSuccess) text = nullptr;
  return std::string(text ? text : "unknown error") + " (CUDA error " + std::to_string(r) + ")";
}

}  // namespace

std::string format_cuda_uuid(const unsigned char (&b)[16]) {
  char out[48];
  std::snprintf(out, sizeof out,
                "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return out;
}

std::string nvml_pci_bus_id(const std::string& cuda_bus_id) {
  unsigned domain = 0, bus = 0, device = 0, function = 0;
  int consumed = 0;
  if (std::sscanf(cuda_bus_id.c_str(), "%x:%x:%x.%x%n", &domain, &bus, &device, &function,
                  &consumed) != 4 ||
      consumed != static_cast<int>(cuda_bus_id.size()) || bus > 0xff || device > 0x1f ||
      function > 7) {
    return "";
  }
  char out[32];
  std::snprintf(out, sizeof out, "%08X:%02X:%02X.%X", domain, bus, device, function);
  return out;
}

std::optional<CudaDeviceIdentity> identify_cuda_device(int ordinal, std::string* why) {
  const char* override_path = std::getenv(kCudaLibraryEnv);
  const std::string path =
      override_path && *override_path ? override_path : std::string("libcuda.so.1");
  // Never closed: the model's CUDA runtime holds the same library, and unloading a driver
  // mid-process buys nothing (as for NVML).
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    *why = "no CUDA driver: " + path + " cannot be loaded";
    return std::nullopt;
  }
  const auto init = resolve<cuda::InitFn>(h, "cuInit");
  const auto get = resolve<cuda::DeviceGetFn>(h, "cuDeviceGet");
  const auto get_count = resolve<cuda::DeviceGetCountFn>(h, "cuDeviceGetCount");
  const auto get_bus_id = resolve<cuda::DeviceGetPciBusIdFn>(h, "cuDeviceGetPCIBusId");
  auto get_uuid = resolve<cuda::DeviceGetUuidFn>(h, "cuDeviceGetUuid_v2");
  if (!get_uuid) get_uuid = resolve<cuda::DeviceGetUuidFn>(h, "cuDeviceGetUuid");
  const auto error_string = resolve<cuda::GetErrorStringFn>(h, "cuGetErrorString");
  const auto get_attribute = resolve<cuda::DeviceGetAttributeFn>(h, "cuDeviceGetAttribute");
  for (const auto& [fn, name] :
       {std::pair<const void*, const char*>{reinterpret_cast<const void*>(init), "cuInit"},
        {reinterpret_cast<const void*>(get), "cuDeviceGet"},
        {reinterpret_cast<const void*>(get_bus_id), "cuDeviceGetPCIBusId"}}) {
    if (!fn) {
      *why = path + " lacks " + name + " (not NVIDIA's CUDA driver)";
      return std::nullopt;
    }
  }
  cuda::Result r = init(0);
  if (r != cuda::kSuccess) {
    *why = "cuInit failed: " + error_text(error_string, r);
    return std::nullopt;
  }
  cuda::Device device = 0;
  r = get(&device, ordinal);
  if (r != cuda::kSuccess) {
    int count = -1;
    const bool counted = get_count && get_count(&count) == cuda::kSuccess;
    *why = "CUDA has no device " + std::to_string(ordinal) +
           (counted ? " (this process sees " + std::to_string(count) + ")" : std::string()) + ": " +
           error_text(error_string, r);
    return std::nullopt;
  }
  char bus_id[cuda::kPciBusIdBufferSize] = {};
  r = get_bus_id(bus_id, sizeof bus_id, device);
  if (r != cuda::kSuccess) {
    *why = "cuDeviceGetPCIBusId failed for CUDA device " + std::to_string(ordinal) + ": " +
           error_text(error_string, r);
    return std::nullopt;
  }
  CudaDeviceIdentity id;
  id.ordinal = ordinal;
  id.library = path;
  id.pci_bus_id = nvml_pci_bus_id(bus_id);
  if (id.pci_bus_id.empty()) {
    *why = "the CUDA driver gave CUDA device " + std::to_string(ordinal) +
           " a PCI bus id that is not one: '" + std::string(bus_id) + "'";
    return std::nullopt;
  }
  cuda::Uuid uuid{};
  if (get_uuid && get_uuid(&uuid, device) == cuda::kSuccess) {
    unsigned char bytes[16];
    for (int i = 0; i < 16; ++i) bytes[i] = static_cast<unsigned char>(uuid.bytes[i]);
    id.uuid = format_cuda_uuid(bytes);
  }
  int major = 0, minor = 0;
  if (get_attribute &&
      get_attribute(&major, cuda::kAttributeComputeCapabilityMajor, device) == cuda::kSuccess &&
      get_attribute(&minor, cuda::kAttributeComputeCapabilityMinor, device) == cuda::kSuccess) {
    id.compute_major = major;
    id.compute_minor = minor;
  }
  return id;
}

}  // namespace gb
