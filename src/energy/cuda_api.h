// The slice of the CUDA driver API's C ABI (libcuda.so.1) that greenbatch uses to learn which
// physical GPU a CUDA device ordinal is, declared here so that the binary builds without the CUDA
// toolkit's headers; the library is opened with dlopen at run time (energy/cuda_device.h). The
// tests' fake libcuda implements the same declarations, so both sides agree by construction.
//
// The prototypes are cuda.h's (CUDA 12/13; unchanged since CUDA 4 for all but cuDeviceGetUuid,
// CUDA 9.2, and its _v2, CUDA 11.4) and the driver API reference's: docs/energy.md, "The GPU
// measured must be the GPU used", says where they were checked.
//
// Contract: every function returns a CUresult, an int-sized enum, 0 (CUDA_SUCCESS) on success; a
// CUdevice is an int; all functions are extern "C" (CUDAAPI is empty on Linux).
#pragma once

namespace gb::cuda {

using Result = int;  // CUresult
using Device = int;  // CUdevice

inline constexpr Result kSuccess = 0;               // CUDA_SUCCESS
inline constexpr Result kErrorInvalidValue = 1;     // CUDA_ERROR_INVALID_VALUE
inline constexpr Result kErrorNoDevice = 100;       // CUDA_ERROR_NO_DEVICE
inline constexpr Result kErrorInvalidDevice = 101;  // CUDA_ERROR_INVALID_DEVICE

// cuDeviceGetPCIBusId writes "[domain]:[bus]:[device].[function]" in hex, at least 13 bytes with
// the terminator ("0000:3B:00.0"); the buffer is larger for domains wider than 4 digits.
inline constexpr int kPciBusIdBufferSize = 32;

// CUuuid: 16 bytes.
struct Uuid {
  char bytes[16];
};
static_assert(sizeof(Uuid) == 16, "CUuuid layout");

// CUresult cuInit(unsigned int Flags);                         Flags must be 0
using InitFn = Result (*)(unsigned);
// CUresult cuDeviceGetCount(int* count);
using DeviceGetCountFn = Result (*)(int*);
// CUresult cuDeviceGet(CUdevice* device, int ordinal);
using DeviceGetFn = Result (*)(Device*, int);
// CUresult cuDeviceGetPCIBusId(char* pciBusId, int len, CUdevice dev);
using DeviceGetPciBusIdFn = Result (*)(char*, int, Device);
// CUresult cuDeviceGetUuid(CUuuid* uuid, CUdevice dev);        and cuDeviceGetUuid_v2, same type
using DeviceGetUuidFn = Result (*)(Uuid*, Device);
// CUresult cuDeviceGetAttribute(int* pi, CUdevice_attribute attrib, CUdevice dev);
using DeviceGetAttributeFn = Result (*)(int*, int, Device);
inline constexpr int kAttributeComputeCapabilityMajor = 75;  // CU_DEVICE_ATTRIBUTE_..._MAJOR
inline constexpr int kAttributeComputeCapabilityMinor = 76;  // CU_DEVICE_ATTRIBUTE_..._MINOR
// CUresult cuGetErrorString(CUresult error, const char** pStr);
using GetErrorStringFn = Result (*)(Result, const char**);

}  // namespace gb::cuda
