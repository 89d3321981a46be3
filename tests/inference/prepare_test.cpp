// A session's model prepared for its engine and precision (inference/prepare.h), with the
// numeric cost measured on the images: on a real model and the built-in image set.
#include "inference/prepare.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "usage_message.h"

namespace gb {
namespace {

const torch::Device kCpu(torch::kCPU);

TEST(Prepare, EagerFp32IsTheReferenceItself) {
  const ImageSet images = ImageSet::builtin();
  NumericCost cost;
  auto model = prepare_for_session(make_classifier("shufflenet_v2_x0_5", 1), Engine::kEager,
                                   Precision::kFp32, images, kCpu, false, &cost);
  EXPECT_EQ(model->name(), "shufflenet_v2_x0_5");
  EXPECT_EQ(cost.images, 3u);
  EXPECT_EQ(cost.max_abs_diff, 0);
  EXPECT_FALSE(cost.top1_agreement);  // random weights: no top-1 claim
}

TEST(Prepare, Bf16CostsSomethingSmallOptimizedFp32AlmostNothing) {
  const ImageSet images = ImageSet::builtin();
  NumericCost bf16, fp32;
  prepare_for_session(make_classifier("shufflenet_v2_x0_5", 1), Engine::kOptimized,
                      Precision::kBf16, images, kCpu, true, &bf16);
  prepare_for_session(make_classifier("shufflenet_v2_x0_5", 1), Engine::kOptimized,
                      Precision::kFp32, images, kCpu, true, &fp32);
  ASSERT_EQ(bf16.images, 3u);
  ASSERT_GT(bf16.reference_max, 0);
  EXPECT_GT(bf16.max_abs_diff, 0);
  EXPECT_LE(bf16.max_abs_diff, 0.1 * bf16.reference_max);
  EXPECT_LE(bf16.mean_abs_diff, bf16.max_abs_diff);
  EXPECT_LE(fp32.max_abs_diff, 1e-4 * fp32.reference_max);
  // With --weights (real_weights) the top-1 agreement is reported, here on 3 images.
  ASSERT_TRUE(fp32.top1_agreement);
  EXPECT_EQ(*fp32.top1_agreement, 1.0);
  ASSERT_TRUE(bf16.top1_agreement);
  EXPECT_GE(*bf16.top1_agreement, 0.0);
}

TEST(Prepare, Fp16OnACpuIsRefusedInOneLine) {
  const ImageSet images = ImageSet::builtin();
  NumericCost cost;
  const std::string message = testing::message_of([&] {
    prepare_for_session(make_classifier("shufflenet_v2_x0_5", 1), Engine::kEager, Precision::kFp16,
                        images, kCpu, false, &cost);
  });
  EXPECT_NE(message.find("precision fp16 on cpu: fp16 needs a CUDA device"), std::string::npos)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_TRUE(precision_support(Precision::kFp32, kCpu).native);
  EXPECT_TRUE(precision_support(Precision::kBf16, kCpu).usable);  // native or emulated
}

}  // namespace
}  // namespace gb
