// ResNet-50 as torchvision.models.resnet50 (V1.5: the stride sits on the 3x3 convolution):
// conv1, bn1, layer{1..4}.N.{conv,bn}{1,2,3} and .downsample.{0,1}, fc.
#include "models/architectures.h"

namespace gb::arch {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
  nn::Conv2d c(
      nn::Conv2dOptions(in, out, kernel).stride(stride).padding((kernel - 1) / 2).bias(false));
  // torchvision: kaiming_normal_(mode="fan_out", nonlinearity="relu").
  nn::init::kaiming_normal_(c->weight, 0, torch::kFanOut, torch::kReLU);
  return c;
}

class Bottleneck final : public nn::Module {
 public:
  static constexpr int64_t kExpansion = 4;

  Bottleneck(int64_t inplanes, int64_t planes, int64_t stride) {
    const int64_t out = planes * kExpansion;
    conv1_ = register_module("conv1", conv(inplanes, planes, 1, 1));
    bn1_ = register_module("bn1", nn::BatchNorm2d(planes));
    conv2_ = register_module("conv2", conv(planes, planes, 3, stride));
    bn2_ = register_module("bn2", nn::BatchNorm2d(planes));
    conv3_ = register_module("conv3", conv(planes, out, 1, 1));
    bn3_ = register_module("bn3", nn::BatchNorm2d(out));
    if (stride != 1 || inplanes != out) {
      auto down = add_scope(*this, "downsample");
      down_conv_ = down->register_module("0", conv(inplanes, out, 1, stride));
      down_bn_ = down->register_module("1", nn::BatchNorm2d(out));
    }
  }

  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor out = relu_inplace(bn1_->forward(conv1_->forward(x)));
    out = relu_inplace(bn2_->forward(conv2_->forward(out)));
    out = bn3_->forward(conv3_->forward(out));
    out += down_conv_ ? down_bn_->forward(down_conv_->forward(x)) : x;
    return relu_inplace(out);
  }

 private:
  nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr}, down_conv_{nullptr};
  nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr}, down_bn_{nullptr};
};

class ResNet final : public Network {
 public:
  explicit ResNet(const std::array<int64_t, 4>& layers) {
    conv1_ = register_module(
        "conv1", nn::Conv2d(nn::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
    nn::init::kaiming_normal_(conv1_->weight, 0, torch::kFanOut, torch::kReLU);
    bn1_ = register_module("bn1", nn::BatchNorm2d(64));
    int64_t inplanes = 64;
    for (int l = 0; l < 4; ++l) {
      auto layer = add_scope(*this, "layer" + std::to_string(l + 1));
      const int64_t planes = int64_t{64} << l;
      for (int64_t i = 0; i < layers[l]; ++i) {
        const int64_t stride = (i == 0 && l > 0) ? 2 : 1;
        blocks_.push_back(layer->register_module(
            std::to_string(i), std::make_shared<Bottleneck>(inplanes, planes, stride)));
        inplanes = planes * Bottleneck::kExpansion;
      }
    }
    fc_ = register_module("fc", nn::Linear(inplanes, 1000));
  }

  torch::Tensor forward(const torch::Tensor& images) override {
    torch::Tensor x = relu_inplace(bn1_->forward(conv1_->forward(images)));
    x = torch::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
    for (const auto& block : blocks_) x = block->forward(x);
    x = torch::flatten(torch::adaptive_avg_pool2d(x, {1, 1}), 1);
    return fc_->forward(x);
  }

 private:
  nn::Conv2d conv1_{nullptr};
  nn::BatchNorm2d bn1_{nullptr};
  std::vector<std::shared_ptr<Bottleneck>> blocks_;
  nn::Linear fc_{nullptr};
};

}  // namespace

std::shared_ptr<Network> resnet50() {
  return std::make_shared<ResNet>(std::array<int64_t, 4>{3, 4, 6, 3});
}

}  // namespace gb::arch
