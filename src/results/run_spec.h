// RunSpec: every setting of one configuration. It is logged with the results (summary.json), so a
// figure can always be traced back to exactly what produced it.
#pragma once

#include <cstdint>
#include <string>

#include "common/time.h"

namespace gb {

struct RunSpec {
  std::string model = "shufflenet_v2_x0_5";  // built-in name, "noop", or a TorchScript path
  std::string weights;                       // optional state dict for a built-in model
  std::string profile;  // greenbatch profile (JSON): batch costs for the slo and offline policies
  std::string device = "cpu";     // cpu | cuda | cuda:N
  std::string arrival = "paper";  // paper | constant | poisson | offline | bursty... | trace:FILE
  double rate_hz = 64;
  std::string policy = "fixed:16";
  std::size_t requests = 512;
  std::size_t warmup_batches = 8;
  std::size_t warmup_batch_size = 32;
  uint64_t seed = 1;
  std::string images;  // folder; empty = the built-in set
  std::string meter = "auto";
  Nanos sample_interval{std::chrono::milliseconds(10)};
  Nanos idle_duration{std::chrono::seconds(5)};
  double peak_threshold_w = 65;  // the paper's "peak power" threshold (GTX 1080 specific)
  int gpu_index = -1;            // NVML's GPU; -1: the CUDA device's index, else 0
  std::string powercap_root = "/sys/class/powercap";
};

}  // namespace gb
