// Levers end to end through the binary: a sweep over policy x engine x precision of a small real
// model, whose report recommends a combination and states each lever's saving against the
// default configuration; and the options' bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "command_runner.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;
using gb::testing::greenbatch;

class Levers : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = gb::testing::scratch_dir("levers"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Levers, ASweepOverPolicyEngineAndPrecisionIsReportedLeverByLever) {
  const std::string file = (dir_ / "levers.toml").string();
  std::ofstream(file)
      << "[experiment]\nname = \"levers\"\nrequests = 24\nwarmup_batches = 1\n"
         "warmup_batch_size = 4\nidle_seconds = 0\nmeter = \"estimate\"\n"
         "[grid]\nmodels = [\"shufflenet_v2_x0_5\"]\nrates = [64]\n"
         "arrivals = [\"paper\"]\npolicies = [\"fixed:4\", \"greedy\"]\n"
         "engines = [\"eager\", \"optimized\"]\nprecisions = [\"fp32\", \"bf16\"]\n";
  const std::string out = (dir_ / "sweep").string();
  const auto plan = greenbatch("sweep " + file + " --dry-run --out " + out);
  ASSERT_EQ(plan.code, 0) << plan.output;
  EXPECT_NE(plan.output.find("8 configurations"), std::string::npos) << plan.output;
  EXPECT_NE(
      plan.output.find("models, loaded 4 times (once per engine, precision and thread count): "
                       "shufflenet_v2_x0_5 (8 runs)"),
      std::string::npos)
      << plan.output;
  const auto sweep = greenbatch("sweep " + file + " --out " + out);
  ASSERT_EQ(sweep.code, 0) << sweep.output;
  // Each session measured what its engine and precision cost against fp32 eager.
  EXPECT_NE(sweep.output.find("optimized bf16 against fp32 eager on 3 images"), std::string::npos)
      << sweep.output;
  const auto report = greenbatch("report " + out + " --slo 10s");
  ASSERT_EQ(report.code, 0) << report.output;
  const std::string& text = report.output;
  // The recommendation names a policy, an engine and a precision.
  EXPECT_NE(text.find("64/s"), std::string::npos) << text;
  const bool engine = text.find(", eager, ") != std::string::npos ||
                      text.find(", optimized, ") != std::string::npos;
  EXPECT_TRUE(engine) << text;
  // Each lever alone and all combined against greedy, eager, fp32.
  EXPECT_NE(text.find("Each lever alone and all combined"), std::string::npos) << text;
  EXPECT_NE(text.find("default greedy:128, eager, fp32"), std::string::npos) << text;
  for (const char* lever : {"policy ", "engine ", "precision ", "all combined"}) {
    EXPECT_NE(text.find(lever), std::string::npos) << lever << "\n" << text;
  }
  std::ifstream in(fs::path(out) / "report" / "report.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<h2 id=levers>"), std::string::npos);
  EXPECT_NE(html.find("Pareto fronts per lever"), std::string::npos);
  EXPECT_NE(html.find("<th>engine</th>"), std::string::npos);  // the configurations' column
  // Every run records its engine, precision and numeric cost.
  const auto csv = greenbatch("export " + out + " --csv " + (dir_ / "e.csv").string());
  ASSERT_EQ(csv.code, 0) << csv.output;
  std::ifstream e(dir_ / "e.csv");
  std::string header;
  std::getline(e, header);
  for (const char* column : {"engine", "precision", "logit_max_abs_diff", "logit_mean_abs_diff"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column;
  }
}

TEST_F(Levers, ThreadsAreAGridDimensionToo) {
  const std::string file = (dir_ / "threads.toml").string();
  std::ofstream(file) << "[experiment]\nname = \"threads\"\nrequests = 32\nidle_seconds = 0\n"
                         "[grid]\nmodels = [\"noop\"]\nrates = [1000]\narrivals = [\"paper\"]\n"
                         "policies = [\"greedy\"]\nthreads = [1, 2]\n";
  const std::string out = (dir_ / "sweep").string();
  ASSERT_EQ(greenbatch("sweep " + file + " --out " + out).code, 0);
  const auto plan = greenbatch("sweep " + file + " --dry-run --out " + out);
  EXPECT_NE(plan.output.find("2 configurations x 1 repetition = 2 runs; 2 already done"),
            std::string::npos)
      << plan.output;
}

}  // namespace
