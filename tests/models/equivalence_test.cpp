// Each built-in model against torchvision: load a seeded torchvision model's weights by name, run
// the same input through both, compare logits. Relative error = max|ours - theirs| / max|theirs|,
// required <= 1e-4. Exports are cached in the build folder.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "models/classifier.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

fs::path export_dir() {
  fs::path dir = fs::path(testing::build_dir()) / "test-data" / "models";
  fs::create_directories(dir);
  return dir;
}

// Exports `name` from torchvision unless already cached; false when Python failed.
bool ensure_export(const std::string& name) {
  const fs::path dir = export_dir();
  if (fs::exists(dir / (name + ".params"))) return true;
  const std::string cmd = "/usr/bin/python3 '" + testing::source_dir() +
                          "/tests/models/export_torchvision.py' " + name + " '" + dir.string() +
                          "' 2>&1";
  return std::system(cmd.c_str()) == 0;
}

torch::Tensor read_tensor(const fs::path& p, std::vector<int64_t> shape) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return torch::from_blob(bytes.data(), shape, torch::kFloat32).clone();
}

double relative_error(const torch::Tensor& ours, const torch::Tensor& theirs) {
  return (ours - theirs).abs().max().item<double>() / theirs.abs().max().item<double>();
}

class Equivalence : public ::testing::TestWithParam<std::string> {};

TEST_P(Equivalence, LogitsMatchTorchvision) {
  const std::string name = GetParam();
  ASSERT_TRUE(ensure_export(name))
      << "exporting " << name << " with /usr/bin/python3 failed; it "
      << "needs Debian's python3-torchvision (scripts/setup.sh --test)";
  const fs::path dir = export_dir();
  auto model = make_classifier(name, 42);
  load_weights(*model, (dir / (name + ".pt")).string());
  std::ifstream params(dir / (name + ".params"));
  int64_t torchvision_params = 0;
  params >> torchvision_params;
  EXPECT_EQ(model->parameter_count(), torchvision_params);
  EXPECT_EQ(find_builtin(name)->parameters, torchvision_params);

  const auto x = read_tensor(dir / (name + ".input.bin"), {2, 3, 224, 224});
  const auto expected = read_tensor(dir / (name + ".logits.bin"), {2, 1000});
  c10::InferenceMode guard;
  const auto logits = model->forward(x);
  ASSERT_EQ(logits.sizes(), expected.sizes());
  const double err = relative_error(logits, expected);
  EXPECT_LE(err, 1e-4) << name;
  RecordProperty("relative_error", std::to_string(err));
  std::printf("%s: max relative error %.3g\n", name.c_str(), err);
}

INSTANTIATE_TEST_SUITE_P(Builtins, Equivalence,
                         ::testing::Values("alexnet", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0"));

TEST(TorchScript, AnyScriptedTorchvisionModelRuns) {
  ASSERT_TRUE(ensure_export("resnet18"));
  const fs::path dir = export_dir();
  auto model = make_classifier((dir / "resnet18.pt").string(), 1);
  const auto x = read_tensor(dir / "resnet18.input.bin", {2, 3, 224, 224});
  c10::InferenceMode guard;
  EXPECT_LE(relative_error(model->forward(x), read_tensor(dir / "resnet18.logits.bin", {2, 1000})),
            1e-5);
}

TEST(Weights, MismatchNamesTheOffendingTensors) {
  ASSERT_TRUE(ensure_export("resnet18"));
  auto model = make_classifier("alexnet", 1);
  try {
    load_weights(*model, (export_dir() / "resnet18.pt").string());
    ADD_FAILURE() << "loaded resnet18 weights into alexnet";
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("missing features.0.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unexpected"), std::string::npos) << msg;
  }
}

TEST(Registry, UnknownNamesListTheKnownOnes) {
  try {
    make_classifier("lenet", 1);
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("alexnet"), std::string::npos);
  }
  EXPECT_EQ(find_builtin("nope"), nullptr);
}

}  // namespace
}  // namespace gb
