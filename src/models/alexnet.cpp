// AlexNet as torchvision.models.alexnet: features.{0,3,6,8,10} convolutions, classifier.{1,4,6}
// linear layers; the ReLU, pooling and dropout slots hold no parameters, so they are plain calls.
#include "models/architectures.h"

namespace gb::arch {
namespace {

namespace nn = torch::nn;

class AlexNet final : public Network {
 public:
  AlexNet() {
    auto features = add_scope(*this, "features");
    const struct {
      int64_t in, out, kernel, stride, pad;
      const char* name;
    } convs[] = {{3, 64, 11, 4, 2, "0"},
                 {64, 192, 5, 1, 2, "3"},
                 {192, 384, 3, 1, 1, "6"},
                 {384, 256, 3, 1, 1, "8"},
                 {256, 256, 3, 1, 1, "10"}};
    for (const auto& c : convs) {
      convs_.push_back(features->register_module(
          c.name,
          nn::Conv2d(nn::Conv2dOptions(c.in, c.out, c.kernel).stride(c.stride).padding(c.pad))));
    }
    auto classifier = add_scope(*this, "classifier");
    fc_[0] = classifier->register_module("1", nn::Linear(256 * 6 * 6, 4096));
    fc_[1] = classifier->register_module("4", nn::Linear(4096, 4096));
    fc_[2] = classifier->register_module("6", nn::Linear(4096, 1000));
  }

  torch::Tensor forward(const torch::Tensor& images) override {
    const auto pool = [](const torch::Tensor& x) { return torch::max_pool2d(x, {3, 3}, {2, 2}); };
    torch::Tensor x = pool(relu_inplace(convs_[0]->forward(images)));
    x = pool(relu_inplace(convs_[1]->forward(x)));
    x = relu_inplace(convs_[2]->forward(x));
    x = relu_inplace(convs_[3]->forward(x));
    x = pool(relu_inplace(convs_[4]->forward(x)));
    x = torch::flatten(torch::adaptive_avg_pool2d(x, {6, 6}), 1);
    x = relu_inplace(fc_[0]->forward(dropout(x)));
    x = relu_inplace(fc_[1]->forward(dropout(x)));
    return fc_[2]->forward(x);
  }

 private:
  torch::Tensor dropout(const torch::Tensor& x) {
    return is_training() ? torch::dropout(x, 0.5, true) : x;
  }

  std::vector<nn::Conv2d> convs_;
  nn::Linear fc_[3] = {nullptr, nullptr, nullptr};
};

}  // namespace

std::shared_ptr<Network> alexnet() { return std::make_shared<AlexNet>(); }

}  // namespace gb::arch
