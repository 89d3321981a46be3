// ConvNeXt as torchvision.models.convnext_*: features.0.{0,1} (stem conv + LayerNorm2d),
// features.{1,3,5,7}.N.{block.{0,2,3,5}, layer_scale} (stages), features.{2,4,6}.{0,1}
// (LayerNorm2d + 2x2 convolution), classifier.{0,2}.
//
// The op sequence is torchvision's, permutes included: a block's output is a channels-last view,
// which the next depthwise convolution and LayerNorm consume without copying, as in Python.
// One fusion: layer_scale * block + input is a single addcmul instead of a multiply and an add.
#include "models/architectures.h"

namespace gb::arch {
namespace {

namespace nn = torch::nn;
constexpr double kEps = 1e-6;

// torchvision initialises every convolution and linear layer with trunc_normal_(std=0.02),
// zero bias; its truncation at +-2 (absolute) is 100 standard deviations out, so a plain normal.
template <typename Layer>
Layer init(Layer layer) {
  torch::NoGradGuard no_grad;
  layer->weight.normal_(0, 0.02);
  layer->bias.zero_();
  return layer;
}

nn::LayerNorm layer_norm(int64_t channels) {
  return nn::LayerNorm(nn::LayerNormOptions({channels}).eps(kEps));
}

// torchvision's LayerNorm2d: LayerNorm over channels of an NCHW tensor, through NHWC views.
torch::Tensor layer_norm_2d(nn::LayerNorm& norm, const torch::Tensor& x) {
  return norm->forward(x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
}

class CNBlock final : public nn::Module {
 public:
  explicit CNBlock(int64_t dim) {
    auto block = add_scope(*this, "block");
    dwconv_ = block->register_module(
        "0", init(nn::Conv2d(nn::Conv2dOptions(dim, dim, 7).padding(3).groups(dim))));
    norm_ = block->register_module("2", layer_norm(dim));
    fc1_ = block->register_module("3", init(nn::Linear(dim, 4 * dim)));
    fc2_ = block->register_module("5", init(nn::Linear(4 * dim, dim)));
    layer_scale_ = register_parameter("layer_scale", torch::full({dim, 1, 1}, 1e-6));
  }

  torch::Tensor forward(const torch::Tensor& input) {
    torch::Tensor x = norm_->forward(dwconv_->forward(input).permute({0, 2, 3, 1}));
    x = fc2_->forward(torch::gelu(fc1_->forward(x))).permute({0, 3, 1, 2});
    // Stochastic depth is the identity in eval mode.
    return torch::addcmul(input, layer_scale_, x);
  }

 private:
  nn::Conv2d dwconv_{nullptr};
  nn::LayerNorm norm_{nullptr};
  nn::Linear fc1_{nullptr}, fc2_{nullptr};
  torch::Tensor layer_scale_;
};

class ConvNeXt final : public Network {
 public:
  explicit ConvNeXt(const std::vector<ConvNeXtStage>& stages) {
    auto features = add_scope(*this, "features");
    auto stem = add_scope(*features, "0");
    stem_conv_ = stem->register_module(
        "0", init(nn::Conv2d(nn::Conv2dOptions(3, stages[0].channels, 4).stride(4))));
    stem_norm_ = stem->register_module("1", layer_norm(stages[0].channels));
    int index = 1;
    int64_t last = 0;
    for (const ConvNeXtStage& s : stages) {
      Stage stage{{}, nullptr, nullptr};
      auto blocks = add_scope(*features, std::to_string(index++));
      for (int64_t i = 0; i < s.blocks; ++i) {
        stage.blocks.push_back(
            blocks->register_module(std::to_string(i), std::make_shared<CNBlock>(s.channels)));
      }
      if (s.out_channels > 0) {
        auto down = add_scope(*features, std::to_string(index++));
        stage.down_norm = down->register_module("0", layer_norm(s.channels));
        stage.down_conv = down->register_module(
            "1", init(nn::Conv2d(nn::Conv2dOptions(s.channels, s.out_channels, 2).stride(2))));
      }
      last = s.out_channels > 0 ? s.out_channels : s.channels;
      stages_.push_back(std::move(stage));
    }
    auto classifier = add_scope(*this, "classifier");
    head_norm_ = classifier->register_module("0", layer_norm(last));
    head_ = classifier->register_module("2", init(nn::Linear(last, 1000)));
  }

  torch::Tensor forward(const torch::Tensor& images) override {
    torch::Tensor x = layer_norm_2d(stem_norm_, stem_conv_->forward(images));
    for (Stage& s : stages_) {
      for (const auto& block : s.blocks) x = block->forward(x);
      if (s.down_conv) x = s.down_conv->forward(layer_norm_2d(s.down_norm, x));
    }
    x = layer_norm_2d(head_norm_, torch::adaptive_avg_pool2d(x, {1, 1}));
    return head_->forward(torch::flatten(x, 1));
  }

 private:
  struct Stage {
    std::vector<std::shared_ptr<CNBlock>> blocks;
    nn::LayerNorm down_norm;  // downsampling after the stage; null after the last
    nn::Conv2d down_conv;
  };
  nn::Conv2d stem_conv_{nullptr};
  nn::LayerNorm stem_norm_{nullptr}, head_norm_{nullptr};
  std::vector<Stage> stages_;
  nn::Linear head_{nullptr};
};

}  // namespace

std::shared_ptr<Network> convnext(const std::vector<ConvNeXtStage>& stages) {
  return std::make_shared<ConvNeXt>(stages);
}

}  // namespace gb::arch
