// The paper's published GTX 1080 results (data/paper/, compiled into the binary), in greenbatch's
// vocabulary: our model names, our policy strings, energy per image. For overlays only: these are
// the paper's hardware and harness, never a stand-in for a measurement.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gb {

struct PaperPoint {
  std::string model;   // alexnet, densenet121, shufflenet_v2_x0_5, vit_b_16, convnext_base
  double rate_hz = 0;  // 16, 32, 64, 128
  std::string policy;  // fixed:16 .. fixed:128, greedy:128
  int repetition = 1;
  double energy_per_image_j = 0;  // energy_j / 8192
  double max_response_s = 0;      // the paper's max wait
  double mean_response_s = 0;
  double average_power_w = 0;
  std::optional<double> peak_power_w;
};

inline constexpr int kPaperRequestsPerRun = 8192;

// Every row of the published table (175 runs: 100 configurations, some repeated).
const std::vector<PaperPoint>& paper_points();

}  // namespace gb
