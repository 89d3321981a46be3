#include "models/architectures.h"

namespace gb::arch {

namespace nn = torch::nn;

AlexNetImpl::AlexNetImpl() {
  const auto conv = [](int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, k).stride(stride).padding(pad));
  };
  const auto relu = [] { return nn::ReLU(nn::ReLUOptions(true)); };
  const auto pool = [] { return nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2)); };
  features = register_module(
      "features",
      nn::Sequential(conv(3, 64, 11, 4, 2), relu(), pool(), conv(64, 192, 5, 1, 2), relu(), pool(),
                     conv(192, 384, 3, 1, 1), relu(), conv(384, 256, 3, 1, 1), relu(),
                     conv(256, 256, 3, 1, 1), relu(), pool()));
  avgpool = register_module("avgpool", nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({6, 6})));
  classifier =
      register_module("classifier", nn::Sequential(nn::Dropout(0.5), nn::Linear(256 * 6 * 6, 4096),
                                                   relu(), nn::Dropout(0.5), nn::Linear(4096, 4096),
                                                   relu(), nn::Linear(4096, 1000)));
}

torch::Tensor AlexNetImpl::forward(torch::Tensor x) {
  x = avgpool(features->forward(x));
  return classifier->forward(torch::flatten(x, 1));
}

}  // namespace gb::arch
