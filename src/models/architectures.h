// Native architectures, written from torchvision's definitions. Each module registers its
// submodules under torchvision's attribute names so named_parameters() equals its state_dict keys.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace gb::arch {

struct AlexNetImpl : torch::nn::Module {
  AlexNetImpl();
  torch::Tensor forward(torch::Tensor x);
  torch::nn::Sequential features, classifier;
  torch::nn::AdaptiveAvgPool2d avgpool{nullptr};
};
TORCH_MODULE(AlexNet);

struct ShuffleNetV2Impl : torch::nn::Module {
  // stages_out_channels: 5 entries, e.g. {24, 48, 96, 192, 1024} for x0_5.
  explicit ShuffleNetV2Impl(const std::vector<int64_t>& stages_out_channels);
  torch::Tensor forward(torch::Tensor x);
  torch::nn::Sequential conv1, stage2, stage3, stage4, conv5;
  torch::nn::MaxPool2d maxpool{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(ShuffleNetV2);

}  // namespace gb::arch
