// Figures people can read: in every SVG the report writes, and in every SVG inlined in its page,
// no two texts overlap and none leaves the canvas (texts' boxes estimated from the SVG itself:
// svg_text_boxes.h). Dense cases: the simulated paper sweep (5 models x 4 rates x 5 policies,
// with the paper's points beside ours and a latency budget), and a synthetic figure of many
// near-coincident points. Also what Fig. 2 must show: the budget, the recommendation, the
// paper's own panel, a hover title per point.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "command_runner.h"
#include "report/analysis.h"
#include "report/figures.h"
#include "report/report_fixture.h"
#include "report/svg_text_boxes.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void expect_readable(const std::string& svg, const std::string& where) {
  const auto boxes = testing::svg_texts(svg).boxes;
  EXPECT_GT(boxes.size(), 5u) << where << ": no texts found; has gnuplot's SVG format changed?";
  for (const std::string& p : testing::text_problems(svg)) ADD_FAILURE() << where << ": " << p;
}

class FigureLabels : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("labels"); }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);  // kept to look at when a figure is unreadable
  }
  fs::path dir_;
};

TEST_F(FigureLabels, NoTwoTextsOverlapInTheReportOfASimulatedPaperSweep) {
  std::string profiles;
  for (const char* m :
       {"alexnet", "densenet121", "shufflenet_v2_x0_5", "vit_b_16", "convnext_base"}) {
    profiles += " -p " + testing::source_dir() + "/configs/profiles/cpu-epyc-2vcpu/" + m + ".json";
  }
  const auto sim = testing::greenbatch("simulate " + testing::source_dir() + "/configs/paper.toml" +
                                       profiles + " --out " + (dir_ / "sim").string());
  ASSERT_EQ(sim.code, 0) << sim.output;
  const auto r = testing::greenbatch("report " + (dir_ / "sim").string() +
                                     " --slo 2s --compare-paper --out " + (dir_ / "rep").string());
  ASSERT_EQ(r.code, 0) << r.output;

  std::size_t svgs = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "rep")) {
    if (e.path().extension() != ".svg") continue;
    ++svgs;
    expect_readable(read(e.path()), e.path().filename().string());
  }
  EXPECT_EQ(svgs, 8u);  // Fig. 2 of each model, Fig. 3, 4, 5; no Fig. 6 (no samples)
  const std::string html = read(dir_ / "rep" / "report.html");
  const auto inline_svgs = testing::inline_svgs(html);
  ASSERT_EQ(inline_svgs.size(), 8u);
  for (std::size_t i = 0; i < inline_svgs.size(); ++i) {
    expect_readable(inline_svgs[i], "inline figure " + std::to_string(i + 1));
  }
  // Fig. 2: the budget and the recommendation in the key, the paper in its own panel, and each
  // of a model's 20 configurations and 20 published points a hover title.
  const std::string fig2 = read(dir_ / "rep" / "fig2_1.svg");
  EXPECT_NE(fig2.find("<text>latency budget 2 s (--slo)</text>"), std::string::npos);
  EXPECT_NE(fig2.find("<text>recommended</text>"), std::string::npos);
  EXPECT_NE(fig2.find("<text>alexnet: the paper's GTX 1080 (for orientation)</text>"),
            std::string::npos);
  EXPECT_EQ(count(inline_svgs[0], "<circle cx="), 40u);
  EXPECT_EQ(count(inline_svgs[0], "(recommended)</title>"), 2u);  // alexnet at 16/s and 32/s
  EXPECT_NE(html.find("Power over time (Fig. 6) not drawn: simulated runs have no power samples"),
            std::string::npos);
}

// Forty configurations of one model within a few per cent of each other at four rates: their
// labels must still not touch, and the recommended and Pareto points keep theirs.
TEST_F(FigureLabels, NoTwoTextsOverlapWhenManyPointsNearlyCoincide) {
  std::vector<ConfigPoint> points;
  for (double rate : {16.0, 32.0, 48.0, 64.0}) {
    for (int n : {1, 2, 4, 8, 16, 24, 32, 64, 128}) {
      const double e = 0.40 + 0.001 * n + 0.0005 * rate, max_s = 0.30 + 0.0002 * n;
      points.push_back(
          testing::config_point("m", rate, "fixed:" + std::to_string(n), e, max_s, max_s));
    }
    points.push_back(testing::config_point("m", rate, "greedy:128", 0.405, 0.301, 0.3));
  }
  const auto fronts = pareto_fronts(points, {"m"});
  const auto recommendations = recommend(points, 1.0);
  ASSERT_EQ(recommendations.size(), 4u);
  FigureOptions o{dir_.string(), false, 1.0};
  std::string why;
  const auto f = draw_energy_vs_latency("m", 1, points, fronts, recommendations, o, &why);
  ASSERT_TRUE(f) << why;
  expect_readable(read(f->svg_path), "fig2_1.svg");
  expect_readable(f->svg, "inline fig2_1");
  EXPECT_EQ(count(f->svg, "<circle cx="), points.size());
  // The budget, three times above every point, is not on the axis (it would squash them).
  EXPECT_NE(f->svg.find("<text>budget 1 s: above the axis</text>"), std::string::npos);
  // Every recommended configuration is labelled (they are placed first).
  for (const Recommendation& r : recommendations) {
    ASSERT_TRUE(r.best);
    EXPECT_NE(read(dir_ / "fig2_1_labels.dat").find('"' + r.best->policy + '"'), std::string::npos)
        << r.best->policy;
  }
}

}  // namespace
}  // namespace gb
