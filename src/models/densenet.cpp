// DenseNet-121 as torchvision.models.densenet121: features.{conv0,norm0}, features.denseblockB.
// denselayerL.{norm1,conv1,norm2,conv2}, features.transitionT.{norm,conv}, features.norm5,
// classifier.
//
// torchvision re-concatenates every earlier feature map before each dense layer (quadratic
// copying). Here each block owns one tensor sized for its final width; a layer reads the channel
// prefix written so far (a view) and appends its growth_rate channels. The arithmetic and its
// order are torchvision's; only the copies go.
#include "models/architectures.h"

namespace gb::arch {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t pad) {
  nn::Conv2d c(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(pad).bias(false));
  nn::init::kaiming_normal_(c->weight);  // as torchvision
  return c;
}

class DenseLayer final : public nn::Module {
 public:
  DenseLayer(int64_t in, int64_t growth, int64_t bn_size) {
    norm1_ = register_module("norm1", nn::BatchNorm2d(in));
    conv1_ = register_module("conv1", conv(in, bn_size * growth, 1, 1, 0));
    norm2_ = register_module("norm2", nn::BatchNorm2d(bn_size * growth));
    conv2_ = register_module("conv2", conv(bn_size * growth, growth, 3, 1, 1));
  }

  torch::Tensor forward(const torch::Tensor& features) {
    torch::Tensor x = conv1_->forward(relu_inplace(norm1_->forward(features)));
    return conv2_->forward(relu_inplace(norm2_->forward(x)));
  }

 private:
  nn::BatchNorm2d norm1_{nullptr}, norm2_{nullptr};
  nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
};

class DenseBlock final : public nn::Module {
 public:
  DenseBlock(int64_t layers, int64_t in, int64_t growth, int64_t bn_size)
      : in_(in), growth_(growth) {
    for (int64_t i = 0; i < layers; ++i) {
      layers_.push_back(
          register_module("denselayer" + std::to_string(i + 1),
                          std::make_shared<DenseLayer>(in + i * growth, growth, bn_size)));
    }
  }
  int64_t out_channels() const { return in_ + growth_ * static_cast<int64_t>(layers_.size()); }

  torch::Tensor forward(const torch::Tensor& x) {
    // Sized from x itself, not from its sizes(), so that a traced graph (models/optimize.h) keeps
    // no batch size; in x's memory format (channels_last where the engine uses it).
    torch::Tensor all = torch::empty_like(x.narrow(1, 0, 1).expand({-1, out_channels(), -1, -1}),
                                          x.options(), x.suggest_memory_format());
    all.narrow(1, 0, in_).copy_(x);
    int64_t width = in_;
    for (const auto& layer : layers_) {
      all.narrow(1, width, growth_).copy_(layer->forward(all.narrow(1, 0, width)));
      width += growth_;
    }
    return all;
  }

 private:
  int64_t in_, growth_;
  std::vector<std::shared_ptr<DenseLayer>> layers_;
};

class DenseNet final : public Network {
 public:
  DenseNet(int64_t growth, const std::array<int64_t, 4>& block_config, int64_t init_features,
           int64_t bn_size) {
    auto features = add_scope(*this, "features");
    conv0_ = features->register_module("conv0", conv(3, init_features, 7, 2, 3));
    norm0_ = features->register_module("norm0", nn::BatchNorm2d(init_features));
    int64_t channels = init_features;
    for (int b = 0; b < 4; ++b) {
      auto block = features->register_module(
          "denseblock" + std::to_string(b + 1),
          std::make_shared<DenseBlock>(block_config[b], channels, growth, bn_size));
      channels = block->out_channels();
      stages_.push_back({block, nullptr, nullptr});
      if (b != 3) {
        auto transition = add_scope(*features, "transition" + std::to_string(b + 1));
        stages_.back().norm = transition->register_module("norm", nn::BatchNorm2d(channels));
        stages_.back().conv =
            transition->register_module("conv", conv(channels, channels / 2, 1, 1, 0));
        channels /= 2;
      }
    }
    norm5_ = features->register_module("norm5", nn::BatchNorm2d(channels));
    classifier_ = register_module("classifier", nn::Linear(channels, 1000));
    nn::init::zeros_(classifier_->bias);  // as torchvision
  }

  torch::Tensor forward(const torch::Tensor& images) override {
    torch::Tensor x = relu_inplace(norm0_->forward(conv0_->forward(images)));
    x = torch::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
    for (Stage& s : stages_) {
      x = s.block->forward(x);
      if (s.conv) {
        x = s.conv->forward(relu_inplace(s.norm->forward(x)));
        x = torch::avg_pool2d(x, {2, 2}, {2, 2});
      }
    }
    x = relu_inplace(norm5_->forward(x));
    x = torch::flatten(torch::adaptive_avg_pool2d(x, {1, 1}), 1);
    return classifier_->forward(x);
  }

 private:
  struct Stage {
    std::shared_ptr<DenseBlock> block;
    nn::BatchNorm2d norm;  // transition after the block; null after the last
    nn::Conv2d conv;
  };
  nn::Conv2d conv0_{nullptr};
  nn::BatchNorm2d norm0_{nullptr}, norm5_{nullptr};
  std::vector<Stage> stages_;
  nn::Linear classifier_{nullptr};
};

}  // namespace

std::shared_ptr<Network> densenet121() {
  return std::make_shared<DenseNet>(32, std::array<int64_t, 4>{6, 12, 24, 16}, 64, 4);
}

}  // namespace gb::arch
