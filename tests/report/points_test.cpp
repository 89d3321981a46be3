// points_from_rows: export's aggregated rows read into ConfigPoints, including the rows a store can
// really hold (offline without a rate, nulls where a figure was not measured, older rows without
// newer columns).
#include "report/points.h"

#include <gtest/gtest.h>

namespace gb {
namespace {

using nlohmann::ordered_json;

ordered_json full_row() {
  return ordered_json{{"model", "alexnet"},
                      {"device", "cuda:0"},
                      {"arrival", "poisson"},
                      {"rate_hz", 32},
                      {"policy", "fixed:16"},
                      {"repetitions", 3},
                      {"mean_batch_size", 12.5},
                      {"energy_per_image_j", 0.41},
                      {"energy_per_image_j_ci95", 0.02},
                      {"response_max_s", 1.2},
                      {"response_max_s_ci95", 0.1},
                      {"response_p99_s", 1.1},
                      {"response_p99_s_ci95", 0.05},
                      {"Average Power(W)", 95.5},
                      {"Average Peak Power (W)", 120.25},
                      {"energy_method", "nvml"},
                      {"simulated", true}};
}

TEST(PointsFromRows, ReadsEveryColumn) {
  const auto points = points_from_rows({full_row()});
  ASSERT_EQ(points.size(), 1u);
  const ConfigPoint& p = points[0];
  EXPECT_EQ(p.model, "alexnet");
  EXPECT_EQ(p.device, "cuda:0");
  EXPECT_EQ(p.arrival, "poisson");
  EXPECT_EQ(p.rate_hz, 32.0);
  EXPECT_EQ(p.policy, "fixed:16");
  EXPECT_EQ(p.repetitions, 3u);
  EXPECT_DOUBLE_EQ(p.mean_batch_size, 12.5);
  EXPECT_DOUBLE_EQ(p.energy_per_image_j, 0.41);
  EXPECT_EQ(p.energy_ci95, 0.02);
  EXPECT_DOUBLE_EQ(p.max_response_s, 1.2);
  EXPECT_EQ(p.max_ci95, 0.1);
  EXPECT_DOUBLE_EQ(p.p99_response_s, 1.1);
  EXPECT_EQ(p.p99_ci95, 0.05);
  EXPECT_DOUBLE_EQ(p.average_power_w, 95.5);
  EXPECT_EQ(p.peak_power_w, 120.25);
  EXPECT_EQ(p.energy_method, "nvml");
  EXPECT_TRUE(p.simulated);
  EXPECT_EQ(p.rate_label(), "32/s");
}

TEST(PointsFromRows, NullsAndMissingColumnsAreAbsentNotZero) {
  ordered_json row = full_row();
  row["rate_hz"] = nullptr;                  // offline
  row["energy_per_image_j_ci95"] = nullptr;  // one repetition: no interval
  row["Average Peak Power (W)"] = nullptr;   // no sample above the threshold
  row.erase("response_max_s_ci95");
  row.erase("simulated");
  row.erase("repetitions");
  const ConfigPoint p = points_from_rows({row})[0];
  EXPECT_FALSE(p.rate_hz);
  EXPECT_EQ(p.rate_label(), "offline");
  EXPECT_FALSE(p.energy_ci95);
  EXPECT_FALSE(p.peak_power_w);
  EXPECT_FALSE(p.max_ci95);
  EXPECT_FALSE(p.simulated);
  EXPECT_EQ(p.repetitions, 1u);  // a row without the column is one run
}

TEST(PointsFromRows, WrongTypesAreIgnoredRatherThanThrown) {
  ordered_json row = full_row();
  row["rate_hz"] = "32";     // a string is not a rate
  row["simulated"] = "yes";  // only a boolean marks a simulated row
  row["model"] = 7;          // not a name
  row["repetitions"] = 0;    // never fewer than one
  row["mean_batch_size"] = nullptr;
  const ConfigPoint p = points_from_rows({row})[0];
  EXPECT_FALSE(p.rate_hz);
  EXPECT_FALSE(p.simulated);
  EXPECT_EQ(p.model, "");
  EXPECT_EQ(p.repetitions, 1u);
  EXPECT_EQ(p.mean_batch_size, 0);
}

// A load of a server on another machine measured no energy (null): it is no point of figures
// that compare energy, where 0 J would read as the cheapest.
TEST(PointsFromRows, RowsWithoutEnergyAreLeftOut) {
  ordered_json unmeasured = full_row();
  unmeasured["energy_per_image_j"] = nullptr;
  EXPECT_TRUE(points_from_rows({unmeasured}).empty());
  EXPECT_EQ(points_from_rows({unmeasured, full_row()}).size(), 1u);
}

TEST(PointsFromRows, KeepsTheRowsOrder) {
  ordered_json a = full_row(), b = full_row();
  b["policy"] = "greedy:128";
  const auto points = points_from_rows({a, b, a});
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].policy, "fixed:16");
  EXPECT_EQ(points[1].policy, "greedy:128");
  EXPECT_EQ(points[2].policy, "fixed:16");
  EXPECT_TRUE(points_from_rows({}).empty());
}

TEST(Points, EnergyMethodsOnceEachSorted) {
  ConfigPoint a, b, c;
  a.energy_method = "rapl";
  b.energy_method = "estimate";
  c.energy_method = "rapl";
  EXPECT_EQ(energy_methods({a, b, c}), "estimate, rapl");
  EXPECT_EQ(energy_methods({}), "");
}

TEST(Points, RateLabels) {
  EXPECT_EQ(rate_label(16.0), "16/s");
  EXPECT_EQ(rate_label(0.5), "0.5/s");
  EXPECT_EQ(rate_label(std::nullopt), "offline");
}

TEST(Points, GreedyAndUnbatchedPoliciesAreReadFromTheParsedPolicy) {
  const auto point = [](const std::string& policy) {
    ConfigPoint p;
    p.policy = policy;
    p.policy_spec = PolicySpec::parse(policy);
    return p;
  };
  EXPECT_TRUE(point("greedy:128").greedy());
  EXPECT_TRUE(point("greedy").greedy());
  EXPECT_FALSE(point("fixed:16").greedy());
  for (const char* p : {"fixed:1", "greedy:1", "triton:max=1", "triton:max=1,delay=5ms",
                        "aimd:slo=1s,max=1", "fixed:1,timeout=5ms"}) {
    EXPECT_TRUE(point(p).unbatched()) << p;
  }
  for (const char* p : {"fixed:16", "greedy:128", "triton:max=16", "fixed:10"}) {
    EXPECT_FALSE(point(p).unbatched()) << p;
  }
  ConfigPoint unreadable;
  unreadable.policy = "future-policy:3";
  EXPECT_FALSE(unreadable.greedy());
  EXPECT_FALSE(unreadable.unbatched());
}

}  // namespace
}  // namespace gb
