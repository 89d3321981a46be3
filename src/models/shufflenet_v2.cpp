// ShuffleNetV2 as torchvision.models.shufflenet_v2_x*: conv1.{0,1}, stage{2,3,4}.N.branch{1,2}.K,
// conv5.{0,1}, fc. torchvision concatenates the two branches and then shuffles the channels with
// transpose(..).contiguous(), two full copies; stacking the branches on a new axis writes the
// same shuffled tensor in one.
#include <stdexcept>

#include "models/architectures.h"

namespace gb::arch {
namespace {

namespace nn = torch::nn;

// A bias-free convolution followed by BatchNorm, registered as `scope.<index>` and
// `scope.<index + 1>` as in torchvision's nn.Sequential slots.
struct ConvBn {
  ConvBn(nn::Module& scope, int index, int64_t in, int64_t out, int64_t kernel, int64_t stride,
         int64_t groups)
      : conv(scope.register_module(std::to_string(index),
                                   nn::Conv2d(nn::Conv2dOptions(in, out, kernel)
                                                  .stride(stride)
                                                  .padding(kernel / 2)
                                                  .groups(groups)
                                                  .bias(false)))),
        bn(scope.register_module(std::to_string(index + 1), nn::BatchNorm2d(out))) {}
  torch::Tensor operator()(const torch::Tensor& x) { return bn->forward(conv->forward(x)); }
  nn::Conv2d conv;
  nn::BatchNorm2d bn;
};

class InvertedResidual final : public nn::Module {
 public:
  InvertedResidual(int64_t inp, int64_t oup, int64_t stride) : stride_(stride) {
    const int64_t branch = oup / 2;
    if (stride == 1 && inp != branch * 2) throw std::logic_error("bad ShuffleNetV2 block");
    if (stride > 1) {
      auto b1 = add_scope(*this, "branch1");
      b1_.emplace_back(*b1, 0, inp, inp, 3, stride, inp);
      b1_.emplace_back(*b1, 2, inp, branch, 1, 1, 1);
    }
    auto b2 = add_scope(*this, "branch2");
    b2_.emplace_back(*b2, 0, stride > 1 ? inp : branch, branch, 1, 1, 1);
    b2_.emplace_back(*b2, 3, branch, branch, 3, stride, branch);
    b2_.emplace_back(*b2, 5, branch, branch, 1, 1, 1);
  }

  torch::Tensor forward(const torch::Tensor& x) {
    const auto branch2 = [&](const torch::Tensor& in) {
      return relu_inplace(b2_[2](b2_[1](relu_inplace(b2_[0](in)))));
    };
    torch::Tensor left, right;
    if (stride_ == 1) {
      auto halves = x.chunk(2, 1);
      left = halves[0];
      right = branch2(halves[1]);
    } else {
      left = relu_inplace(b1_[1](b1_[0](x)));
      right = branch2(x);
    }
    // channel_shuffle(cat(left, right), 2): output channel 2j + g is channel j of branch g. The
    // batch is -1 so that a traced graph (models/optimize.h) serves any batch size; reshape, not
    // view, because channels_last branches stack into a tensor that needs a copy to merge axes.
    const auto sizes = left.sizes();
    return torch::stack({left, right}, 2).reshape({-1, 2 * sizes[1], sizes[2], sizes[3]});
  }

 private:
  int64_t stride_;
  std::vector<ConvBn> b1_, b2_;
};

class ShuffleNetV2 final : public Network {
 public:
  explicit ShuffleNetV2(const std::array<int64_t, 5>& out) {
    const int64_t repeats[3] = {4, 8, 4};
    conv1_.emplace_back(*add_scope(*this, "conv1"), 0, 3, out[0], 3, 2, 1);
    int64_t in = out[0];
    for (int s = 0; s < 3; ++s) {
      auto stage = add_scope(*this, "stage" + std::to_string(s + 2));
      for (int64_t i = 0; i < repeats[s]; ++i) {
        blocks_.push_back(stage->register_module(
            std::to_string(i), std::make_shared<InvertedResidual>(i == 0 ? in : out[s + 1],
                                                                  out[s + 1], i == 0 ? 2 : 1)));
      }
      in = out[s + 1];
    }
    conv5_.emplace_back(*add_scope(*this, "conv5"), 0, in, out[4], 1, 1, 1);
    fc_ = register_module("fc", nn::Linear(out[4], 1000));
  }

  torch::Tensor forward(const torch::Tensor& images) override {
    torch::Tensor x = relu_inplace(conv1_[0](images));
    x = torch::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
    for (const auto& block : blocks_) x = block->forward(x);
    x = relu_inplace(conv5_[0](x)).mean({2, 3});
    return fc_->forward(x);
  }

 private:
  std::vector<ConvBn> conv1_, conv5_;  // vectors: ConvBn has no empty state
  std::vector<std::shared_ptr<InvertedResidual>> blocks_;
  nn::Linear fc_{nullptr};
};

}  // namespace

std::shared_ptr<Network> shufflenet_v2(const std::array<int64_t, 5>& stage_channels) {
  return std::make_shared<ShuffleNetV2>(stage_channels);
}

}  // namespace gb::arch
