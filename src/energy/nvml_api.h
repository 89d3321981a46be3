// The slice of NVML's C ABI that greenbatch uses, declared here from NVIDIA's documented facts (see
// docs/energy.md) so that the binary builds and runs without the CUDA toolkit or a driver: the
// library is opened with dlopen at run time. The tests' fake libnvidia-ml implements the same
// declarations, so both sides agree by construction.
//
// Contract: every function returns an int-sized status, 0 on success; a device handle is an opaque
// pointer; all functions are extern "C".
#pragma once

#include <cstdint>

namespace gb::nvml {

using Return = int;
using Device = struct OpaqueDevice*;

inline constexpr Return kSuccess = 0;
inline constexpr Return kErrorUninitialized = 1;
inline constexpr Return kErrorInvalidArgument = 2;
inline constexpr Return kErrorNotSupported = 3;
inline constexpr Return kErrorNoPermission = 4;
inline constexpr Return kErrorNotFound = 6;
inline constexpr Return kErrorDriverNotLoaded = 9;
inline constexpr Return kErrorGpuIsLost = 15;

inline constexpr unsigned kNameBufferSize = 96;
inline constexpr unsigned kUuidBufferSize = 96;  // NVML_DEVICE_UUID_V2_BUFFER_SIZE

// Field ids (nvmlDeviceGetFieldValues) and the value types NVML tags them with.
inline constexpr unsigned kFieldTotalEnergy = 83;    // mJ since driver load
inline constexpr unsigned kFieldPowerAverage = 185;  // mW, 1 s average
inline constexpr unsigned kFieldPowerInstant = 186;  // mW, instantaneous

// nvmlTemperatureSensors_t: the GPU die's sensor, the only one NVML defines.
inline constexpr int kTemperatureGpu = 0;
// nvmlClockType_t: the graphics (SM) clock domain, the one nvmlDeviceSetGpuLockedClocks locks.
inline constexpr int kClockGraphics = 0;
enum ValueType : int {
  kDouble = 0,
  kUnsigned = 1,
  kUnsignedLong = 2,
  kUnsignedLongLong = 3,
  kSignedLongLong = 4,
  kSignedInt = 5
};

union Value {
  double d;
  unsigned u;
  unsigned long ul;
  unsigned long long ull;
  long long sll;
  int si;
};

// nvmlFieldValue_t: 40 bytes on x86-64. scope 0 = the GPU, 1 = the module.
struct FieldValue {
  unsigned field_id;
  unsigned scope_id;
  long long timestamp;
  long long latency_usec;
  int value_type;
  Return nvml_return;  // per-field status: check before reading value
  Value value;
};
static_assert(sizeof(FieldValue) == 40, "nvmlFieldValue_t layout");

// nvmlPciInfo_t (the _v2/_v3 layout): 68 bytes. bus_id is "00000000:3B:00.0"
// (domain:bus:device.fn).
struct PciInfo {
  char bus_id_legacy[16];
  unsigned domain;
  unsigned bus;
  unsigned device;
  unsigned pci_device_id;
  unsigned pci_subsystem_id;
  char bus_id[32];
};
static_assert(sizeof(PciInfo) == 68, "nvmlPciInfo_t layout");

struct Utilization {
  unsigned gpu;
  unsigned memory;
};

// Function pointer types, one per symbol we resolve.
using InitFn = Return (*)();
using ShutdownFn = Return (*)();
using ErrorStringFn = const char* (*)(Return);
using GetCountFn = Return (*)(unsigned*);
using GetHandleByIndexFn = Return (*)(unsigned, Device*);
using GetNameFn = Return (*)(Device, char*, unsigned);
using GetHandleByUuidFn = Return (*)(const char*, Device*);
using GetHandleByPciBusIdFn = Return (*)(const char*, Device*);
using GetUuidFn = Return (*)(Device, char*, unsigned);
using GetPciInfoFn = Return (*)(Device, PciInfo*);
using GetPowerUsageFn = Return (*)(Device, unsigned*);
using GetTotalEnergyFn = Return (*)(Device, unsigned long long*);
using GetFieldValuesFn = Return (*)(Device, int, FieldValue*);
using GetEnforcedPowerLimitFn = Return (*)(Device, unsigned*);
using SystemGetDriverVersionFn = Return (*)(char*, unsigned);
using GetTemperatureFn = Return (*)(Device, int, unsigned*);  // sensor, degrees C
// Power limit and clocks (root only; the settings outlive the process: docs/energy.md, "GPU
// power limit and clocks").
using GetPowerLimitConstraintsFn = Return (*)(Device, unsigned* min_mw, unsigned* max_mw);
using GetPowerManagementLimitFn = Return (*)(Device, unsigned* mw);  // the limit Set sets
using SetPowerManagementLimitFn = Return (*)(Device, unsigned mw);
using SetGpuLockedClocksFn = Return (*)(Device, unsigned min_mhz, unsigned max_mhz);
using ResetGpuLockedClocksFn = Return (*)(Device);
using GetMaxClockInfoFn = Return (*)(Device, int clock_type, unsigned* mhz);

}  // namespace gb::nvml
