// Native architectures, written from torchvision 0.14's definitions (internal to gb_models).
//
// Contract: each factory returns a freshly, randomly initialised network (from torch's global
// generator, which make_classifier seeds) whose named_parameters() and named_buffers() are
// exactly the keys of the torchvision model's state_dict, with the same shapes. forward() does
// the same arithmetic as torchvision's forward, in the same order, so logits agree to rounding;
// it only skips copies that torchvision makes (see each .cpp). Each architecture lives in its
// own translation unit because every libtorch TU costs ~20 s to compile.
#pragma once

#include <torch/torch.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace gb::arch {

// A network behind one virtual call, so the registry needs no per-architecture types.
class Network : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& images) = 0;
};

std::shared_ptr<Network> alexnet();
// stage_channels: torchvision's stages_out_channels, e.g. {24, 48, 96, 192, 1024} for x0_5.
std::shared_ptr<Network> shufflenet_v2(const std::array<int64_t, 5>& stage_channels);
std::shared_ptr<Network> resnet50();
std::shared_ptr<Network> densenet121();

// One ConvNeXt stage (torchvision's CNBlockConfig); out_channels 0 means "no downsampling".
struct ConvNeXtStage {
  int64_t channels;
  int64_t out_channels;
  int64_t blocks;
};
std::shared_ptr<Network> convnext(const std::vector<ConvNeXtStage>& stages);

std::shared_ptr<Network> vit_b_16();

// An empty module registered as `parent.name`: the analogue of Python's nn.Sequential or
// nn.ModuleDict as a naming scope, whose children we then call directly (typed, no AnyModule).
inline std::shared_ptr<torch::nn::Module> add_scope(torch::nn::Module& parent,
                                                    const std::string& name) {
  return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

// ReLU(inplace=True) as torchvision uses it, on a temporary (torch::relu_ wants an lvalue).
inline torch::Tensor relu_inplace(torch::Tensor x) {
  x.relu_();
  return x;
}

}  // namespace gb::arch
