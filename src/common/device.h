// Device: where a model runs, as the user names it ("cpu", "cuda", "cuda:N"), parsed by the one
// rule that both the model loader and the energy meters (which GPU NVML measures) follow.
// Torch-free; whether the device exists is checked where torch is (inference/parse_device).
#pragma once

#include <string>
#include <string_view>

namespace gb {

struct Device {
  enum class Kind { kCpu, kCuda };
  Kind kind = Kind::kCpu;
  int index = 0;  // CUDA device index; "cuda" is cuda:0
  // As the user wrote it ("cuda" or "cuda:0"): what results record and configuration ids hash,
  // so results made before devices were parsed keep their ids.
  std::string text = "cpu";

  // UsageError "device 'X': ..." for anything but cpu, cuda and cuda:N (0 <= N < 1024).
  static Device parse(std::string_view text);
  bool is_cuda() const { return kind == Kind::kCuda; }
  std::string name() const { return is_cuda() ? "cuda:" + std::to_string(index) : "cpu"; }
  bool operator==(const Device& o) const { return text == o.text; }
  bool operator!=(const Device& o) const { return !(*this == o); }
};

}  // namespace gb
