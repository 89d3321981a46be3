// Every lever alike in the report (report/lever_analysis.h): the recommendation over every
// dimension, each lever's saving alone and combined against the default configuration, and the
// Pareto fronts per lever value, on a constructed policy x engine x precision sweep.
#include "report/lever_analysis.h"

#include <gtest/gtest.h>

#include "report/analysis.h"
#include "report/console.h"
#include "report/recommend.h"
#include "report/report_fixture.h"

namespace gb {
namespace {

ConfigPoint point(const std::string& policy, const std::string& engine,
                  const std::string& precision, double energy, double max_s = 0.5) {
  ConfigPoint p = testing::config_point("shufflenet_v2_x0_5", 32, policy, energy, max_s, max_s);
  p.levers = {engine, precision, "2"};
  return p;
}

// Default (greedy, eager, fp32) 1.0; each lever alone saves 20, 40 and 30 %; all combined 70 %;
// one cheaper combination misses the budget.
std::vector<ConfigPoint> sweep() {
  return {
      point("greedy:128", "eager", "fp32", 1.0),     point("fixed:8", "eager", "fp32", 0.8),
      point("greedy:128", "optimized", "fp32", 0.6), point("fixed:8", "optimized", "fp32", 0.2, 5),
      point("greedy:128", "eager", "bf16", 0.7),     point("fixed:8", "eager", "bf16", 0.65),
      point("greedy:128", "optimized", "bf16", 0.5), point("fixed:8", "optimized", "bf16", 0.3)};
}

TEST(LeverAnalysis, TheRecommendationChoosesOverEveryDimensionAndNamesTheCombination) {
  const auto recs = recommend(sweep(), 1.0);
  ASSERT_EQ(recs.size(), 1u);
  const Recommendation& r = recs[0];
  ASSERT_TRUE(r.best);
  EXPECT_EQ(combination(*r.best, r.swept), "fixed:8, optimized, bf16");
  ASSERT_EQ(r.swept.size(), 2u);  // engine and precision; threads did not vary
  EXPECT_EQ(dimension_name(r.swept[0]), "engine");
  EXPECT_EQ(dimension_name(r.swept[1]), "precision");
  // The greedy baseline is the default configuration's, not the cheaper optimized greedy.
  ASSERT_TRUE(r.greedy);
  EXPECT_EQ(combination(*r.greedy, r.swept), "greedy:128, eager, fp32");
  EXPECT_NEAR(*r.saving_vs_greedy, 0.7, 1e-12);
  const std::string line = describe(r);
  EXPECT_NE(line.find("fixed:8, optimized, bf16, 0.3 J/image"), std::string::npos) << line;
  EXPECT_NE(line.find("saves 70 % vs greedy:128, eager, fp32"), std::string::npos) << line;
}

TEST(LeverAnalysis, EachLeverAloneAndAllCombinedAgainstTheDefault) {
  const std::vector<ConfigPoint> points = sweep();
  const auto savings = lever_savings(points, recommend(points, 1.0), 1.0);
  ASSERT_EQ(savings.size(), 1u);
  const LeverSavings& s = savings[0];
  ASSERT_TRUE(s.baseline);
  EXPECT_EQ(s.baseline->energy_per_image_j, 1.0);
  EXPECT_TRUE(s.baseline_within_slo);
  ASSERT_EQ(s.alone.size(), 3u);  // policy, engine, precision
  const double expected[] = {0.2, 0.4, 0.3};
  const char* values[] = {"fixed:8", "optimized", "bf16"};
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(s.alone[i].best) << i;
    EXPECT_EQ(dimension_value(*s.alone[i].best, s.alone[i].dimension), values[i]);
    EXPECT_NEAR(*s.alone[i].saving, expected[i], 1e-12) << values[i];
  }
  ASSERT_TRUE(s.combined);
  EXPECT_NEAR(*s.combined_saving, 0.7, 1e-12);
  const std::string text = lever_savings_text(savings);
  EXPECT_NE(text.find("default greedy:128, eager, fp32, 1 J/image"), std::string::npos) << text;
  EXPECT_NE(text.find("all combined"), std::string::npos) << text;
  EXPECT_NE(text.find("-40 %"), std::string::npos) << text;
}

TEST(LeverAnalysis, NoLeverSweptMeansNoLeverTableAndThePolicyAlone) {
  std::vector<ConfigPoint> points;
  for (const ConfigPoint& p : sweep()) {
    if (p.levers[0] == "eager" && p.levers[1] == "fp32") points.push_back(p);
  }
  const auto recs = recommend(points, 1.0);
  EXPECT_TRUE(recs[0].swept.empty());
  EXPECT_EQ(combination(*recs[0].best, recs[0].swept), "fixed:8");
  EXPECT_TRUE(lever_savings(points, recs, 1.0).empty());
  EXPECT_EQ(lever_savings_text({}), "");
  // Points from before levers existed (none recorded) are at the baselines.
  ConfigPoint old = points[0];
  old.levers.clear();
  EXPECT_EQ(dimension_value(old, 1), "eager");
  EXPECT_EQ(dimension_value(old, 2), "fp32");
}

TEST(LeverAnalysis, ThreadsDefaultToTheMostMeasuredAndReadAsCounts) {
  std::vector<ConfigPoint> points = {point("greedy:128", "eager", "fp32", 1.0),
                                     point("greedy:128", "eager", "fp32", 0.9)};
  points[0].levers[2] = "2";
  points[1].levers[2] = "1";
  EXPECT_EQ(default_levers(points)[2], "2");
  EXPECT_EQ(describe_value(3, "1"), "1 thread");
  const auto savings = lever_savings(points, recommend(points, 1.0), 1.0);
  ASSERT_EQ(savings.size(), 1u);
  EXPECT_EQ(savings[0].baseline->levers[2], "2");
  EXPECT_NEAR(*savings[0].alone.back().saving, 0.1, 1e-12);
}

TEST(LeverAnalysis, AParetoFrontPerLeverValue) {
  const std::vector<ConfigPoint> points = sweep();
  const auto fronts = lever_fronts(points, {"shufflenet_v2_x0_5"});
  ASSERT_EQ(fronts.size(), 4u);  // engine: eager, optimized; precision: fp32, bf16
  EXPECT_EQ(dimension_name(fronts[0].dimension), "engine");
  EXPECT_EQ(fronts[0].value, "eager");
  // Eager's front: fixed:8 bf16 (0.65 J, 0.5 s) dominates everything else eager.
  ASSERT_EQ(fronts[0].points.size(), 1u);
  EXPECT_EQ(fronts[0].points[0].energy_per_image_j, 0.65);
  EXPECT_EQ(fronts[1].value, "optimized");
  // Optimized: the cheap one over the budget (0.2 J, 5 s) and 0.3 J at 0.5 s both stay.
  EXPECT_EQ(fronts[1].points.size(), 2u);
  const ReportAnalysis a = analyse({}, 1.0);
  EXPECT_TRUE(a.lever_fronts.empty());
}

}  // namespace
}  // namespace gb
