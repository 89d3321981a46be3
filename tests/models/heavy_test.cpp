// The two heaviest built-ins against torchvision (ctest label "heavy": ~170 M parameters to
// export, load and run), and ViT's composite attention path against the fused one.
#include <gtest/gtest.h>

#include "equivalence.h"

namespace gb {
namespace {

TEST(HeavyEquivalence, VitB16) { testing::expect_equivalent("vit_b_16"); }
TEST(HeavyEquivalence, ConvNeXtBase) { testing::expect_equivalent("convnext_base"); }

// With autograd on, ViT's attention runs the composite path (matmul/softmax) instead of
// at::_native_multi_head_attention; both must compute the same function.
TEST(HeavyEquivalence, VitAttentionPathsAgree) {
  auto model = make_classifier("vit_b_16", 11);
  const auto x =
      torch::randn({1, 3, 224, 224}, torch::Generator(at::detail::createCPUGenerator(2)));
  torch::Tensor fused;
  {
    c10::InferenceMode guard;
    fused = model->forward(x);
  }
  const torch::Tensor composite = model->forward(x).detach();
  EXPECT_LE(testing::relative_error(composite, fused), testing::kMaxRelativeError);
}

}  // namespace
}  // namespace gb
