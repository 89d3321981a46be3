// Which physical GPU a CUDA device ordinal ("cuda:N") is, asked of the CUDA driver API in this
// process, so that the energy meter opens the GPU the model runs on (docs/energy.md, "The GPU
// measured must be the GPU used"). Torch-free: libcuda.so.1 is opened with dlopen at run time.
//
// Why the driver API answers for libtorch: the CUDA runtime's device ordinals are the driver's,
// and both honour CUDA_VISIBLE_DEVICES (indices, UUIDs, MIG ids) and CUDA_DEVICE_ORDER
// (FASTEST_FIRST by default, or PCI_BUS_ID) the same way, as read when this process first
// initialises CUDA. NVML does neither, so only an identity (the PCI bus id or the UUID) ties the
// two numberings together.
//
// Contract:
// - identify_cuda_device(N) loads the driver (GB_LIBCUDA when set: a path, for tests; else
//   libcuda.so.1 as the dynamic loader finds it), calls cuInit(0), cuDeviceGet(N) and
//   cuDeviceGetPCIBusId, and cuDeviceGetUuid_v2 (else cuDeviceGetUuid) and cuDeviceGetAttribute
//   (the compute capability) when present.
// - It returns nullopt with `why` set when any of these fail: no driver library (a CPU machine),
//   a symbol missing, cuInit failing (no device, driver too old), N not a device of this process.
//   Nothing throws; the caller decides what a missing answer means.
// - It creates no CUDA context and allocates no device memory: cuInit only loads the driver's
//   state, which the model's CUDA runtime would load anyway. The library stays loaded.
// - Thread-safe (the driver API is); each call asks the driver again, as GB_LIBCUDA may change.
#pragma once

#include <optional>
#include <string>

namespace gb {

// Names the driver library to load instead of libcuda.so.1 (a path; the tests' fake).
inline constexpr char kCudaLibraryEnv[] = "GB_LIBCUDA";

struct CudaDeviceIdentity {
  int ordinal = 0;
  // In NVML's spelling (nvmlPciInfo_t.busId, "00000000:3B:00.0": an 8-digit domain, upper-case
  // hex), which nvmlDeviceGetHandleByPciBusId_v2 accepts; CUDA writes a 4-digit domain.
  std::string pci_bus_id;
  // "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" as nvidia-smi -L shows it; "" when the driver
  // lacks cuDeviceGetUuid. In MIG mode CUDA reports the instance's UUID (under the same prefix).
  std::string uuid;
  // The compute capability (8.0 and newer compute bf16 natively); 0.0 when the driver does not
  // say (cuDeviceGetAttribute is optional here).
  int compute_major = 0, compute_minor = 0;
  std::string library;  // the file that answered
};

std::optional<CudaDeviceIdentity> identify_cuda_device(int ordinal, std::string* why);

// "GPU-" and the 16 bytes as 8-4-4-4-12 lower-case hex digits.
std::string format_cuda_uuid(const unsigned char (&bytes)[16]);
// CUDA's "dddd:bb:dd.f" (any domain width, either case) as NVML's "DDDDDDDD:BB:DD.F"; "" when it
// is not a bus id.
std::string nvml_pci_bus_id(const std::string& cuda_bus_id);

}  // namespace gb
