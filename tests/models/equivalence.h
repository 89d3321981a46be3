// The equivalence check shared by the light and heavy test binaries: a built-in model, given the
// weights of a seeded torchvision model by name, returns torchvision's logits for the same input
// to a relative error (max|ours - theirs| / max|theirs|) of at most 1e-4, eager and optimized
// (models/optimize.h), and counts exactly torchvision's parameters.
#pragma once

#include <cstdio>

#include "models/classifier.h"
#include "torchvision_reference.h"

namespace gb::testing {

inline constexpr double kMaxRelativeError = 1e-4;

inline void expect_equivalent(const std::string& name) {
  const std::string why = ensure_export(name);
  ASSERT_TRUE(why.empty()) << why;
  const auto dir = export_dir();
  const ModelInfo* info = find_builtin(name);
  ASSERT_NE(info, nullptr) << name;

  auto model = make_classifier(name, 42);
  load_weights(*model, (dir / (name + ".pt")).string());
  const auto torchvision_params = read_value<int64_t>(dir / (name + ".params"));
  EXPECT_EQ(model->parameter_count(), torchvision_params);
  EXPECT_EQ(info->parameters, torchvision_params);
  // The table's GFLOPs are torchvision's published figures, rounded to 3 decimals.
  EXPECT_NEAR(info->gflops, read_value<double>(dir / (name + ".gflops")), 5e-4);

  const auto x = read_floats(dir / (name + ".input.bin"), {2, 3, 224, 224});
  const auto expected = read_floats(dir / (name + ".logits.bin"), {2, 1000});
  c10::InferenceMode guard;
  const auto logits = model->forward(x);
  ASSERT_EQ(logits.sizes(), expected.sizes());
  ASSERT_GT(expected.abs().max().item<double>(), 0) << "degenerate reference logits";
  const double err = relative_error(logits, expected);
  EXPECT_LE(err, kMaxRelativeError) << name;
  ::testing::Test::RecordProperty("relative_error", std::to_string(err));
  std::printf("%s: max relative error %.3g\n", name.c_str(), err);

  // The optimized engine, traced at batch 1 and run here at batch 2 (a graph that kept the batch
  // size would fail or differ), to the same bound against torchvision.
  auto optimized = prepare_classifier(std::move(model), Engine::kOptimized, Precision::kFp32);
  const double optimized_err = relative_error(optimized->forward(x), expected);
  EXPECT_LE(optimized_err, kMaxRelativeError) << name << " optimized";
  ::testing::Test::RecordProperty("optimized_relative_error", std::to_string(optimized_err));
  std::printf("%s optimized: max relative error %.3g\n", name.c_str(), optimized_err);
}

}  // namespace gb::testing
