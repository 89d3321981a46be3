// A fake libcuda.so.1 for the tests: the CUDA driver API entry points greenbatch resolves
// (energy/cuda_api.h), driven by a script in the environment variable GB_FAKE_CUDA, read at every
// cuInit. greenbatch loads it through GB_LIBCUDA (a path), so a test can also name a library that
// is absent.
//
// Script: semicolon-separated key=value, all optional.
//   bus_ids=B,B,...  the machine's GPUs, in PCI order, by bus id as CUDA writes it
//                    ("0000:3B:00.0"; default one GPU, 0000:01:00.0)
//   uuids=U,U,...    each GPU's UUID: 32 hex digits, dashes and a "GPU-" prefix ignored (default:
//                    GPU i's bytes are all i+1)
//   order=i,j,...    CUDA device k is GPU order[k] (default: PCI order, all GPUs): CUDA's own
//                    order (fastest first) and CUDA_VISIBLE_DEVICES as the driver applies them
//   init=fail        cuInit returns CUDA_ERROR_NO_DEVICE
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "energy/cuda_api.h"
#include "fake_script.h"

namespace {

using gb::cuda::Result;

struct Script {
  std::vector<std::string> bus_ids{"0000:01:00.0"};
  std::vector<std::string> uuids;
  std::vector<int> order;
  bool init_fails = false;
};

Script script;
bool initialised = false;

void parse_script() {
  script = Script{};
  gb::testing::read_fake_script("GB_FAKE_CUDA",
                                [](const std::string& key, const std::string& value) {
                                  if (key == "bus_ids")
                                    script.bus_ids = gb::testing::split_list(value);
                                  if (key == "uuids") script.uuids = gb::testing::split_list(value);
                                  if (key == "order") {
                                    for (const std::string& i : gb::testing::split_list(value))
                                      script.order.push_back(std::atoi(i.c_str()));
                                  }
                                  if (key == "init") script.init_fails = value == "fail";
                                });
  if (script.order.empty()) {
    for (std::size_t i = 0; i < script.bus_ids.size(); ++i) {
      script.order.push_back(static_cast<int>(i));
    }
  }
}

// The physical GPU behind a CUdevice, or -1.
int gpu_of(gb::cuda::Device d) {
  return d >= 0 && d < static_cast<int>(script.bus_ids.size()) ? d : -1;
}

}  // namespace

extern "C" {

Result cuInit(unsigned flags) {
  if (flags != 0) return gb::cuda::kErrorInvalidValue;
  parse_script();
  initialised = !script.init_fails;
  return initialised ? gb::cuda::kSuccess : gb::cuda::kErrorNoDevice;
}

Result cuGetErrorString(Result error, const char** text) {
  switch (error) {
    case gb::cuda::kSuccess:
      *text = "no error";
      return gb::cuda::kSuccess;
    case gb::cuda::kErrorInvalidValue:
      *text = "invalid argument";
      return gb::cuda::kSuccess;
    case gb::cuda::kErrorNoDevice:
      *text = "no CUDA-capable device is detected";
      return gb::cuda::kSuccess;
    case gb::cuda::kErrorInvalidDevice:
      *text = "invalid device ordinal";
      return gb::cuda::kSuccess;
    default:
      *text = nullptr;
      return gb::cuda::kErrorInvalidValue;
  }
}

Result cuDeviceGetCount(int* count) {
  if (!initialised) return 3;  // CUDA_ERROR_NOT_INITIALIZED
  *count = static_cast<int>(script.order.size());
  return gb::cuda::kSuccess;
}

// The CUdevice is the physical GPU's position in PCI order, so that it differs from the ordinal
// whenever the order does: greenbatch must pass on the handle, not the ordinal.
Result cuDeviceGet(gb::cuda::Device* device, int ordinal) {
  if (!initialised) return 3;
  if (ordinal < 0 || ordinal >= static_cast<int>(script.order.size())) {
    return gb::cuda::kErrorInvalidDevice;
  }
  *device = script.order[ordinal];
  return gb::cuda::kSuccess;
}

Result cuDeviceGetPCIBusId(char* bus_id, int len, gb::cuda::Device device) {
  const int gpu = gpu_of(device);
  if (gpu < 0) return gb::cuda::kErrorInvalidDevice;
  if (len < static_cast<int>(script.bus_ids[gpu].size()) + 1) return gb::cuda::kErrorInvalidValue;
  std::snprintf(bus_id, static_cast<std::size_t>(len), "%s", script.bus_ids[gpu].c_str());
  return gb::cuda::kSuccess;
}

Result cuDeviceGetUuid_v2(gb::cuda::Uuid* uuid, gb::cuda::Device device) {
  const int gpu = gpu_of(device);
  if (gpu < 0) return gb::cuda::kErrorInvalidDevice;
  std::memset(uuid->bytes, gpu + 1, sizeof uuid->bytes);
  if (gpu < static_cast<int>(script.uuids.size())) {
    std::string hex = script.uuids[gpu];
    if (hex.rfind("GPU-", 0) == 0) hex = hex.substr(4);
    std::string digits;
    for (char c : hex) {
      if (c != '-') digits += c;
    }
    for (std::size_t i = 0; i < 16 && 2 * i + 1 < digits.size(); ++i) {
      uuid->bytes[i] =
          static_cast<char>(std::strtoul(digits.substr(2 * i, 2).c_str(), nullptr, 16));
    }
  }
  return gb::cuda::kSuccess;
}

// Every fake GPU is a Turing (7.5): bf16 there is emulated.
Result cuDeviceGetAttribute(int* value, int attribute, gb::cuda::Device device) {
  if (gpu_of(device) < 0) return gb::cuda::kErrorInvalidDevice;
  if (attribute == gb::cuda::kAttributeComputeCapabilityMajor) {
    *value = 7;
  } else if (attribute == gb::cuda::kAttributeComputeCapabilityMinor) {
    *value = 5;
  } else {
    return gb::cuda::kErrorInvalidValue;
  }
  return gb::cuda::kSuccess;
}

Result cuDeviceGetUuid(gb::cuda::Uuid* uuid, gb::cuda::Device device) {
  return cuDeviceGetUuid_v2(uuid, device);
}

}  // extern "C"
