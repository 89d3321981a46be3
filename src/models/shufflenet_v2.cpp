#include "common/errors.h"
#include "models/architectures.h"

namespace gb::arch {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad, int64_t groups) {
  return nn::Conv2d(
      nn::Conv2dOptions(in, out, k).stride(stride).padding(pad).groups(groups).bias(false));
}
nn::BatchNorm2d bn(int64_t c) { return nn::BatchNorm2d(c); }
nn::ReLU relu() { return nn::ReLU(nn::ReLUOptions(true)); }

torch::Tensor shuffle_channels(const torch::Tensor& x, int64_t groups) {
  const auto n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  return x.view({n, groups, c / groups, h, w}).transpose(1, 2).contiguous().view({n, c, h, w});
}

struct InvertedResidualImpl : nn::Module {
  InvertedResidualImpl(int64_t inp, int64_t oup, int64_t stride) : stride(stride) {
    const int64_t branch = oup / 2;
    if (stride == 1 && inp != branch * 2) throw std::logic_error("bad ShuffleNetV2 block");
    branch1 = register_module("branch1", nn::Sequential());
    if (stride > 1) {
      branch1->push_back(conv(inp, inp, 3, stride, 1, inp));
      branch1->push_back(bn(inp));
      branch1->push_back(conv(inp, branch, 1, 1, 0, 1));
      branch1->push_back(bn(branch));
      branch1->push_back(relu());
    }
    branch2 = register_module(
        "branch2", nn::Sequential(conv(stride > 1 ? inp : branch, branch, 1, 1, 0, 1), bn(branch),
                                  relu(), conv(branch, branch, 3, stride, 1, branch), bn(branch),
                                  conv(branch, branch, 1, 1, 0, 1), bn(branch), relu()));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor out;
    if (stride == 1) {
      auto halves = x.chunk(2, 1);
      out = torch::cat({halves[0], branch2->forward(halves[1])}, 1);
    } else {
      out = torch::cat({branch1->forward(x), branch2->forward(x)}, 1);
    }
    return shuffle_channels(out, 2);
  }
  int64_t stride;
  nn::Sequential branch1{nullptr}, branch2{nullptr};
};
TORCH_MODULE(InvertedResidual);

}  // namespace

ShuffleNetV2Impl::ShuffleNetV2Impl(const std::vector<int64_t>& out) {
  const int64_t repeats[3] = {4, 8, 4};
  conv1 = register_module("conv1", nn::Sequential(conv(3, out[0], 3, 2, 1, 1), bn(out[0]), relu()));
  maxpool = register_module("maxpool", nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1)));
  int64_t in = out[0];
  nn::Sequential* stages[3] = {&stage2, &stage3, &stage4};
  for (int s = 0; s < 3; ++s) {
    nn::Sequential seq;
    seq->push_back(InvertedResidual(in, out[s + 1], 2));
    for (int64_t i = 1; i < repeats[s]; ++i)
      seq->push_back(InvertedResidual(out[s + 1], out[s + 1], 1));
    *stages[s] = register_module("stage" + std::to_string(s + 2), seq);
    in = out[s + 1];
  }
  conv5 =
      register_module("conv5", nn::Sequential(conv(in, out[4], 1, 1, 0, 1), bn(out[4]), relu()));
  fc = register_module("fc", nn::Linear(out[4], 1000));
}

torch::Tensor ShuffleNetV2Impl::forward(torch::Tensor x) {
  x = maxpool(conv1->forward(x));
  x = stage4->forward(stage3->forward(stage2->forward(x)));
  x = conv5->forward(x).mean({2, 3});
  return fc(x);
}

}  // namespace gb::arch
