// greenbatch report end to end: a small real sweep (two real models), the report built from it,
// and the page opened in headless Chromium: every figure must render and no script error occur.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "command_runner.h"
#include "report/paper_reference.h"
#include "report/report_fixture.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

using Result = gb::testing::CommandResult;
using gb::testing::greenbatch;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Report : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = gb::testing::scratch_dir("report"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// One test, because the sweep (two real models) dominates its time and ctest runs every test in a
// process of its own.
TEST_F(Report, FromARealSweepWithEveryFigureRenderedInHeadlessChromium) {
  std::ofstream(dir_ / "tiny.toml") << R"(
[experiment]
name = "tiny"
requests = 24
warmup_batches = 1
warmup_batch_size = 4
idle_seconds = 0.2
seed = 3
[grid]
models = ["shufflenet_v2_x0_5", "alexnet"]
rates = [32]
arrival = ["paper"]
policies = ["fixed:1", "fixed:4", "greedy"]
)";
  const Result sweep =
      greenbatch("sweep " + (dir_ / "tiny.toml").string() + " --out " + (dir_ / "sweep").string());
  ASSERT_EQ(sweep.code, 0) << sweep.output;

  const Result r = greenbatch("report " + (dir_ / "sweep").string() + " --slo 5s --compare-paper");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("Recommendations"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("alexnet"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("shufflenet_v2_x0_5"), std::string::npos) << r.output;
  const fs::path out = dir_ / "sweep" / "report";
  for (const char* f : {"fig2_alexnet", "fig2_shufflenet_v2_x0_5", "fig3", "fig4"}) {
    for (const char* ext : {".svg", ".png"}) {
      const fs::path p = out / (std::string(f) + ext);
      ASSERT_TRUE(fs::exists(p)) << p;
      EXPECT_GT(fs::file_size(p), 1000u) << p;
    }
  }
  const std::string html = read(out / "report.html");
  std::size_t figures = 0;
  for (std::size_t at = html.find("<figure"); at != std::string::npos;
       at = html.find("<figure", at + 1)) {
    ++figures;
  }
  EXPECT_EQ(figures, 4u);
  EXPECT_NE(html.find("Peak power at small and large batches"), std::string::npos);
  EXPECT_NE(html.find("not measurements"), std::string::npos);  // estimated energy is flagged
  EXPECT_NE(html.find("paper, GTX 1080"), std::string::npos);   // the overlay is marked
  EXPECT_NE(html.find("fixed:4"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);  // nothing fetched from a CDN
  // Every in-page reference of the inlined figures (markers, fill patterns) has its target, once.
  EXPECT_GT(gb::testing::expect_unique_ids_and_resolved_references(html), 0);

  // The page in a real browser: every figure has a non-empty box, no script or console error.
  const Result chrome = gb::testing::run_shell(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-background-networking --enable-logging=stderr --v=0 "
      "--virtual-time-budget=10000 --dump-dom file://" +
          (out / "report.html").string() + " 2>" + (dir_ / "chromium.log").string(),
      false);
  ASSERT_EQ(chrome.code, 0) << "chromium failed (scripts/setup.sh --test installs it): "
                            << read(dir_ / "chromium.log");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      chrome.output, m,
      std::regex(
          R"re(<body data-figures="(\d+)" data-figures-rendered="(\d+)" data-errors="([^"]*)")re")))
      << chrome.output.substr(0, 2000);
  EXPECT_EQ(m[1].str(), "4");
  EXPECT_EQ(m[2].str(), "4") << "a figure rendered an empty box";
  EXPECT_EQ(m[3].str(), "") << "script errors in the page";
  const std::string log = read(dir_ / "chromium.log");
  EXPECT_EQ(log.find(":CONSOLE"), std::string::npos) << log;

  // An impossible budget: nothing is recommended, and the report says so. With relative paths,
  // as typed at a prompt: gnuplot runs inside the output folder, which must not break the report.
  const Result strict =
      gb::testing::run_shell("cd " + dir_.string() + " && " + gb::testing::build_dir() +
                             "/greenbatch report sweep --slo 1us --out strict");
  ASSERT_EQ(strict.code, 0) << strict.output;
  EXPECT_NE(strict.output.find("none meets the budget"), std::string::npos) << strict.output;
  EXPECT_TRUE(fs::exists(dir_ / "strict" / "report.html"));
}

TEST_F(Report, BadInputIsOneLineAndWritesNothing) {
  fs::create_directories(dir_ / "empty");
  for (const std::string& args :
       {(dir_ / "empty").string(), (dir_ / "absent").string(),
        (dir_ / "sweep").string() + " --slo 0s", (dir_ / "sweep").string() + " --slo fast"}) {
    const Result r = greenbatch("report " + args + " --out " + (dir_ / "bad-out").string());
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(fs::exists(dir_ / "bad-out")) << args;
  }
}

TEST(PaperReference, HasTheHundredPublishedConfigurations) {
  const auto& points = gb::paper_points();
  EXPECT_EQ(points.size(), 175u);
  std::size_t first = 0;
  for (const auto& p : points) first += p.repetition == 1;
  EXPECT_EQ(first, 100u);
  for (const auto& p : points) {
    EXPECT_GT(p.energy_per_image_j, 0) << p.model;
    EXPECT_TRUE(p.model == "alexnet" || p.model == "densenet121" ||
                p.model == "shufflenet_v2_x0_5" || p.model == "vit_b_16" ||
                p.model == "convnext_base")
        << p.model;
  }
}

}  // namespace
