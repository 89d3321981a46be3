// The report's analysis on constructed configurations: model order, rates, Pareto fronts per model
// and rate, the paper's Table I split, and analyse() from export rows.
#include "report/analysis.h"

#include <gtest/gtest.h>

#include "report/report_fixture.h"

namespace gb {
namespace {

ConfigPoint point(const std::string& model, std::optional<double> rate, const std::string& policy,
                  double energy, double max_s, double batch = 1) {
  ConfigPoint p = testing::config_point(model, rate, policy, energy, max_s, max_s);
  p.mean_batch_size = batch;
  return p;
}

TEST(Analysis, ModelsInPublicationYearOrderThenOthersAsTheyAppear) {
  const std::vector<ConfigPoint> points = {
      point("mine.pt", 16, "fixed:1", 1, 1),     point("convnext_base", 16, "fixed:1", 1, 1),
      point("alexnet", 16, "fixed:1", 1, 1),     point("other.pt", 16, "fixed:1", 1, 1),
      point("densenet121", 16, "fixed:1", 1, 1), point("alexnet", 32, "fixed:1", 1, 1)};
  EXPECT_EQ(
      model_order(points),
      (std::vector<std::string>{"alexnet", "densenet121", "convnext_base", "mine.pt", "other.pt"}));
}

TEST(Analysis, RatesAscendingOfflineLastEachOnce) {
  const std::vector<ConfigPoint> points = {
      point("alexnet", 64, "a", 1, 1), point("alexnet", std::nullopt, "b", 1, 1),
      point("alexnet", 16, "c", 1, 1), point("alexnet", 64, "d", 1, 1)};
  const auto rates = rates_of(points);
  ASSERT_EQ(rates.size(), 3u);
  EXPECT_EQ(rates[0], 16.0);
  EXPECT_EQ(rates[1], 64.0);
  EXPECT_FALSE(rates[2]);
}

TEST(Analysis, MeanEnergyOverAModelOrOneRate) {
  const std::vector<ConfigPoint> points = {point("alexnet", 16, "a", 1, 1),
                                           point("alexnet", 32, "b", 3, 1),
                                           point("densenet121", 16, "c", 10, 1)};
  EXPECT_DOUBLE_EQ(*mean_energy(points, "alexnet"), 2);
  EXPECT_DOUBLE_EQ(*mean_energy(points, "alexnet", 32.0), 3);
  EXPECT_FALSE(mean_energy(points, "alexnet", 64.0));
  EXPECT_FALSE(mean_energy(points, "vit_b_16"));
}

TEST(Analysis, OneParetoFrontPerModelAndRateCheapestFirst) {
  const std::vector<ConfigPoint> points = {
      point("alexnet", 16, "slow-cheap", 1.0, 5.0), point("alexnet", 16, "fast-dear", 2.0, 1.0),
      point("alexnet", 16, "dominated", 2.5, 2.0), point("alexnet", 32, "only", 1.0, 1.0),
      point("densenet121", 16, "d", 4.0, 1.0)};
  const auto fronts = pareto_fronts(points, {"alexnet", "densenet121"});
  ASSERT_EQ(fronts.size(), 3u);
  EXPECT_EQ(fronts[0].model, "alexnet");
  EXPECT_EQ(fronts[0].rate_hz, 16.0);
  ASSERT_EQ(fronts[0].points.size(), 2u);
  EXPECT_EQ(fronts[0].points[0].policy, "slow-cheap");
  EXPECT_EQ(fronts[0].points[1].policy, "fast-dear");
  EXPECT_EQ(fronts[1].rate_hz, 32.0);
  EXPECT_EQ(fronts[2].model, "densenet121");
  EXPECT_EQ(fronts[2].points.size(), 1u);
}

TEST(Analysis, TableISplitsAtTheMedianMeanBatch) {
  std::vector<ConfigPoint> points = {
      point("alexnet", 16, "fixed:16", 1, 1, 16), point("alexnet", 16, "fixed:1", 1, 1, 1),
      point("alexnet", 16, "fixed:4", 1, 1, 4), point("alexnet", 16, "fixed:64", 1, 1, 60),
      point("densenet121", 16, "fixed:1", 1, 1, 1)};  // one configuration: no row
  const double avg[] = {50, 20, 30, 80};
  for (int i = 0; i < 4; ++i) points[i].average_power_w = avg[i];
  points[0].peak_power_w = 70;  // fixed:16
  points[3].peak_power_w = 90;  // fixed:64; the small batches never exceeded the threshold
  const auto rows = peak_power_rows(points, {"alexnet", "densenet121"});
  ASSERT_EQ(rows.size(), 1u);
  const PeakPowerRow& r = rows[0];
  EXPECT_EQ(r.model, "alexnet");
  EXPECT_EQ(r.small.batch_lo, 1);
  EXPECT_EQ(r.small.batch_hi, 4);
  EXPECT_FALSE(r.small.peak_power_w);
  EXPECT_DOUBLE_EQ(r.small.average_power_w, 25);
  EXPECT_EQ(r.large.batch_lo, 16);
  EXPECT_EQ(r.large.batch_hi, 60);
  EXPECT_DOUBLE_EQ(*r.large.peak_power_w, 80);
  EXPECT_DOUBLE_EQ(r.large.average_power_w, 65);

  // An odd number: the middle configuration counts as large.
  points.erase(points.begin() + 3);
  const PeakPowerRow odd = peak_power_rows(points, {"alexnet"})[0];
  EXPECT_EQ(odd.small.batch_hi, 1);
  EXPECT_EQ(odd.large.batch_lo, 4);
  EXPECT_EQ(odd.large.batch_hi, 16);
  EXPECT_DOUBLE_EQ(*odd.large.peak_power_w, 70);  // only fixed:16 recorded a peak
}

// Table I compares batch sizes: configurations under another lever value (a power limit caps
// the power the table is about) stay out of it.
TEST(Analysis, TableIKeepsOtherLeversAtTheirDefaults) {
  std::vector<ConfigPoint> points = {point("alexnet", 16, "fixed:1", 1, 1, 1),
                                     point("alexnet", 16, "fixed:64", 1, 1, 60),
                                     point("alexnet", 16, "fixed:64", 1, 1, 60)};
  points[0].average_power_w = 20;
  points[1].average_power_w = 80;
  points[2].average_power_w = 40;
  points[2].levers = {"eager", "fp32", "", "150W", "default"};
  const auto rows = peak_power_rows(points, {"alexnet"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].large.average_power_w, 80);
}

// Lever values from a hostile file reach the terminal: no control character survives reading.
TEST(Analysis, TextFromRowsLosesItsControlCharacters) {
  const nlohmann::ordered_json row = {{"model", "alex\x1b]0;pwned\x07net"},
                                      {"device", "cpu"},
                                      {"arrival", "paper"},
                                      {"rate_hz", 32},
                                      {"policy", "fixed:4"},
                                      {"mean_batch_size", 4},
                                      {"energy_per_image_j", 1},
                                      {"response_max_s", 0.5},
                                      {"response_p99_s", 0.4},
                                      {"engine", "optimized\n\x1b[2J"}};
  const std::vector<ConfigPoint> points = points_from_rows({row});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].model, "alex]0;pwnednet");
  EXPECT_EQ(points[0].levers.at(0), "optimized[2J");
}

TEST(Analysis, AnalyseFromExportRows) {
  using nlohmann::ordered_json;
  const auto row = [](const std::string& model, const std::string& policy, double energy,
                      const std::string& method, bool simulated) {
    return ordered_json{{"model", model},
                        {"device", "cpu"},
                        {"arrival", "paper"},
                        {"rate_hz", 32},
                        {"policy", policy},
                        {"mean_batch_size", 4},
                        {"energy_per_image_j", energy},
                        {"response_max_s", 0.5},
                        {"response_p99_s", 0.4},
                        {"energy_method", method},
                        {"simulated", simulated}};
  };
  const ReportAnalysis a = analyse(
      {row("densenet121", "fixed:4", 2, "rapl", false), row("alexnet", "fixed:4", 1, "rapl", false),
       row("alexnet", "greedy:128", 1.5, "rapl", false)},
      1.0);
  EXPECT_EQ(a.points.size(), 3u);
  EXPECT_EQ(a.models, (std::vector<std::string>{"alexnet", "densenet121"}));
  ASSERT_EQ(a.recommendations.size(), 2u);  // one per workload, in order of appearance
  EXPECT_EQ(a.recommendations[0].model, "densenet121");
  EXPECT_EQ(a.recommendations[1].best->policy, "fixed:4");
  EXPECT_EQ(a.fronts.size(), 2u);
  ASSERT_EQ(a.peak_power.size(), 1u);
  EXPECT_EQ(a.peak_power[0].model, "alexnet");
  EXPECT_FALSE(a.estimated_energy);
  EXPECT_FALSE(a.simulated);

  const ReportAnalysis sim = analyse({row("alexnet", "fixed:4", 1, "estimate", true)}, 1.0);
  EXPECT_TRUE(sim.estimated_energy);
  EXPECT_TRUE(sim.simulated);
  EXPECT_TRUE(sim.peak_power.empty());

  // A label this version does not know is shown as written and never taken for a measurement.
  EXPECT_FALSE(
      analyse({row("alexnet", "fixed:4", 1, "nvml-energy+rapl", false)}, 1.0).estimated_energy);
  EXPECT_TRUE(analyse({row("alexnet", "fixed:4", 1, "joulescope", false)}, 1.0).estimated_energy);
}

TEST(Analysis, MethodsOfPointsParsedOnceEachKnownOrKeptAsWritten) {
  std::vector<ConfigPoint> points = {point("alexnet", 16, "a", 1, 1),
                                     point("alexnet", 16, "b", 1, 1),
                                     point("alexnet", 32, "c", 1, 1)};
  points[1].energy_method = "estimate+rapl";
  points[2].energy_method = "joulescope";
  const EnergyMethods m = parse_methods(points);
  EXPECT_EQ(m.known, (std::vector<EnergyMethod>{EnergyMethod::kRapl, EnergyMethod::kEstimate}));
  EXPECT_EQ(m.unknown, (std::vector<std::string>{"joulescope"}));
  EXPECT_TRUE(m.has_estimate());
  EXPECT_FALSE(parse_methods({points[0]}).has_estimate());
}

}  // namespace
}  // namespace gb
