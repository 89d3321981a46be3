// The built-in models against torchvision (the two heaviest are in heavy_test.cpp), the
// TorchScript path, weight loading and the models table.
#include "equivalence.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/errors.h"
#include "models/classifier.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using testing::ensure_export;
using testing::export_dir;
using testing::read_floats;
using testing::relative_error;

class Equivalence : public ::testing::TestWithParam<std::string> {};

TEST_P(Equivalence, LogitsMatchTorchvision) { testing::expect_equivalent(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Builtins, Equivalence,
                         ::testing::Values("alexnet", "resnet50", "densenet121",
                                           "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
                                           "convnext_tiny"));

TEST(TorchScript, AnyScriptedTorchvisionModelRuns) {
  const std::string why = ensure_export("resnet18");  // not a built-in
  ASSERT_TRUE(why.empty()) << why;
  const fs::path dir = export_dir();
  auto model = make_classifier((dir / "resnet18.pt").string(), 1);
  EXPECT_EQ(model->name(), (dir / "resnet18.pt").string());
  EXPECT_EQ(model->parameter_count(), testing::read_value<int64_t>(dir / "resnet18.params"));
  const auto x = read_floats(dir / "resnet18.input.bin", {2, 3, 224, 224});
  c10::InferenceMode guard;
  const auto logits = model->forward(x);
  ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{2, 1000}));
  EXPECT_LE(relative_error(logits, read_floats(dir / "resnet18.logits.bin", {2, 1000})),
            testing::kMaxRelativeError);
}

TEST(TorchScript, TheOptimizedEngineFreezesAFileToTheSameLogits) {
  const std::string why = ensure_export("resnet18");
  ASSERT_TRUE(why.empty()) << why;
  const fs::path dir = export_dir();
  auto model = prepare_classifier(make_classifier((dir / "resnet18.pt").string(), 1),
                                  Engine::kOptimized, Precision::kFp32);
  EXPECT_EQ(model->parameter_count(), testing::read_value<int64_t>(dir / "resnet18.params"));
  c10::InferenceMode guard;
  const auto logits = model->forward(read_floats(dir / "resnet18.input.bin", {2, 3, 224, 224}));
  EXPECT_LE(relative_error(logits, read_floats(dir / "resnet18.logits.bin", {2, 1000})),
            testing::kMaxRelativeError);
  EXPECT_THROW(model->to(torch::Device(torch::kCPU)), std::logic_error);
}

// bf16 keeps 8 bits of mantissa: logits move by about a percent of their scale, and the model
// still takes and returns float32, eager and optimized alike.
TEST(Precision, Bf16StaysCloseToFp32OnBothEngines) {
  const std::string name = "shufflenet_v2_x0_5";
  const std::string why = ensure_export(name);
  ASSERT_TRUE(why.empty()) << why;
  const fs::path dir = export_dir();
  const auto x = read_floats(dir / (name + ".input.bin"), {2, 3, 224, 224});
  const auto expected = read_floats(dir / (name + ".logits.bin"), {2, 1000});
  for (Engine engine : {Engine::kEager, Engine::kOptimized}) {
    auto model = make_classifier(name, 42);
    load_weights(*model, (dir / (name + ".pt")).string());
    model = prepare_classifier(std::move(model), engine, Precision::kBf16);
    c10::InferenceMode guard;
    const auto logits = model->forward(x);
    EXPECT_EQ(logits.scalar_type(), torch::kFloat32);
    const double err = relative_error(logits, expected);
    std::printf("%s bf16 %s: max relative error %.3g\n", name.c_str(),
                std::string(engine_label(engine)).c_str(), err);
    EXPECT_LE(err, 0.1) << engine_label(engine);
    EXPECT_GT(err, 0) << "bf16 computed exactly: was it converted at all?";
  }
}

TEST(TorchScript, MissingOrBadFilesAreUsageErrors) {
  EXPECT_THROW(make_classifier("no/such/model.pt", 1), UsageError);
  EXPECT_THROW(make_classifier("absent.pt", 1), UsageError);
  const fs::path junk = export_dir() / "junk.pt";
  std::ofstream(junk) << "not a zip archive";
  try {
    make_classifier(junk.string(), 1);
    ADD_FAILURE() << "loaded junk";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("not a loadable TorchScript file"), std::string::npos);
  }
}

TEST(Weights, PlainStateDictLoadsToo) {
  const std::string name = "shufflenet_v2_x0_5";
  const std::string why = ensure_export(name, /*state_dict=*/true);
  ASSERT_TRUE(why.empty()) << why;
  const fs::path dir = export_dir();
  auto model = make_classifier(name, 3);
  load_weights(*model, (dir / (name + ".state.pth")).string());
  c10::InferenceMode guard;
  EXPECT_LE(
      relative_error(model->forward(read_floats(dir / (name + ".input.bin"), {2, 3, 224, 224})),
                     read_floats(dir / (name + ".logits.bin"), {2, 1000})),
      testing::kMaxRelativeError);
}

TEST(Weights, MismatchNamesTheOffendingTensors) {
  const std::string why = ensure_export("resnet18");
  ASSERT_TRUE(why.empty()) << why;
  const std::string file = (export_dir() / "resnet18.pt").string();
  auto alexnet = make_classifier("alexnet", 1);
  try {
    load_weights(*alexnet, file);
    ADD_FAILURE() << "loaded resnet18 weights into alexnet";
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("missing features.0.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unexpected "), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  // Same names, different shapes: resnet18's basic blocks against resnet50's bottlenecks.
  auto resnet50 = make_classifier("resnet50", 1);
  try {
    load_weights(*resnet50, file);
    ADD_FAILURE() << "loaded resnet18 weights into resnet50";
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(
        msg.find("shape differs for layer1.0.conv1.weight [64, 64, 3, 3] vs ours [64, 64, 1, 1]"),
        std::string::npos)
        << msg;
  }
  EXPECT_THROW(load_weights(*alexnet, "/nonexistent/weights.pt"), UsageError);
}

TEST(Registry, UnknownNamesListTheKnownOnes) {
  try {
    make_classifier("lenet", 1);
    ADD_FAILURE();
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    for (const ModelInfo& m : builtin_models()) EXPECT_NE(msg.find(m.name), std::string::npos);
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
  EXPECT_EQ(find_builtin("nope"), nullptr);
}

TEST(Registry, TableListsTheEightInYearOrderAndCountsMatch) {
  const auto& models = builtin_models();
  ASSERT_EQ(models.size(), 8u);
  for (std::size_t i = 0; i < models.size(); ++i) {
    const ModelInfo& m = models[i];
    if (i > 0) {
      EXPECT_LE(models[i - 1].year, m.year) << m.name;
    }
    EXPECT_EQ(find_builtin(m.name), &m);
    EXPECT_GT(m.gflops, 0);
    EXPECT_GT(m.top1, 50);
    EXPECT_FALSE(m.paper.empty());
    auto model = make_classifier(m.name, 7);
    EXPECT_EQ(model->name(), m.name);
    EXPECT_EQ(model->parameter_count(), m.parameters) << m.name;
  }
}

TEST(Registry, SeedDecidesTheWeights) {
  auto a = make_classifier("shufflenet_v2_x0_5", 5), b = make_classifier("shufflenet_v2_x0_5", 5),
       c = make_classifier("shufflenet_v2_x0_5", 6);
  const auto first = [](const Classifier& m) { return m.state().front().second; };
  EXPECT_TRUE(torch::equal(first(*a), first(*b)));
  EXPECT_FALSE(torch::equal(first(*a), first(*c)));
}

}  // namespace
}  // namespace gb
