// Published facts about the built-in architectures, torch-free so that reports and the simulator
// can use them without linking libtorch. The models themselves are in classifier.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

// Published facts about a built-in architecture (torchvision's figures for its ImageNet weights).
struct ModelInfo {
  std::string name;
  int64_t parameters;
  double gflops;  // per 224x224 image
  double top1;    // ImageNet-1K acc@1, %
  int year;       // of the architecture's paper
  std::string paper;
};

// The eight built-ins (alexnet, resnet50, densenet121, shufflenet_v2_x0_5, shufflenet_v2_x1_0,
// vit_b_16, convnext_tiny, convnext_base), in publication-year order.
const std::vector<ModelInfo>& builtin_models();
const ModelInfo* find_builtin(std::string_view name);  // nullptr if unknown

}  // namespace gb
