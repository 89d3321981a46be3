// Profile files (round trip, foreign and hostile files refused) and the builder that pools
// profiling rounds.
#include "profile/profile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "common/parse.h"
#include "profile/profile_fixture.h"
#include "test_paths.h"

namespace gb {
namespace {

using std::chrono::milliseconds;
using testing::linear_profile;

TEST(Profile, RoundTripsThroughJsonAndRejectsOtherFiles) {
  const auto dir = testing::scratch_dir("profile");
  const std::string path = (dir / "p.json").string();
  const ServiceProfile p = linear_profile("alexnet");
  p.save(path);
  const ServiceProfile q = ServiceProfile::load(path);
  EXPECT_EQ(q.model, "alexnet");
  ASSERT_EQ(q.batches.size(), p.batches.size());
  EXPECT_DOUBLE_EQ(q.batches[3].dynamic_j, p.batches[3].dynamic_j);
  EXPECT_FALSE(q.batches[0].has_short_gap());
  ServiceProfile with_short = p;
  with_short.short_gap_s = 0.005;
  with_short.batches[0].service_short_gap_s = {0.02, 0.04};
  with_short.batches[0].service_short_gap_mean_s = 0.03;
  with_short.save(path);
  const ServiceProfile r = ServiceProfile::load(path);
  EXPECT_DOUBLE_EQ(r.short_gap_s, 0.005);
  EXPECT_EQ(r.batches[0].service_short_gap_s, (std::vector<double>{0.02, 0.04}));
  EXPECT_DOUBLE_EQ(r.batches[0].service_short_gap_mean_s, 0.03);
  EXPECT_EQ(q.costs()->service_mean(3), milliseconds(25));
  EXPECT_THROW(load_costs(path, "densenet121"), UsageError);
  EXPECT_EQ(load_costs("", "x"), nullptr);
  std::ofstream(path) << "{\"format\": \"something else\"}";
  EXPECT_THROW(ServiceProfile::load(path), UsageError);
  std::ofstream(path) << "not json";
  EXPECT_THROW(ServiceProfile::load(path), UsageError);
  EXPECT_THROW(ServiceProfile::load((dir / "absent.json").string()), UsageError);
  std::filesystem::remove_all(dir);
}

TEST(Profile, BuilderPoolsRoundsIntoPerWindowMeansAndOneIsolatedFigure) {
  ProfiledBatchBuilder b(4);
  EXPECT_THROW(b.build(), UsageError);     // nothing measured is an error, not zeros
  b.add_window({0.010, 0.030}, 4.0, 2.0);  // 2 J and 1 J per batch
  b.add_isolated({0.050}, 3.0);
  b.add_window({0.020, 0.020, 0.020, 0.020}, 12.0, 8.0);  // 3 J and 2 J per batch
  b.add_isolated({0.070, 0.090}, 3.0);
  const ProfiledBatch p = b.build();
  EXPECT_EQ(p.size, 4u);
  EXPECT_EQ(p.windows, 2u);
  EXPECT_EQ(p.batches, 6u);
  EXPECT_DOUBLE_EQ(p.energy_j, 2.5);  // mean of the windows' per-batch figures
  EXPECT_DOUBLE_EQ(p.dynamic_j, 1.5);
  ASSERT_TRUE(p.dynamic_ci95_j.has_value());
  EXPECT_NEAR(p.service_mean_s, 0.020, 1e-12);
  EXPECT_DOUBLE_EQ(p.service_max_s, 0.030);
  EXPECT_EQ(p.isolated_batches, 3u);
  EXPECT_DOUBLE_EQ(p.dynamic_isolated_j, 2.0);  // 6 J over 3 batches, not a mean of rounds
  EXPECT_NEAR(p.service_isolated_mean_s, 0.070, 1e-12);
  EXPECT_DOUBLE_EQ(p.service_isolated_max_s, 0.090);
  EXPECT_FALSE(p.has_short_gap());
  b.add_short_gap({0.030});
  b.add_short_gap({0.050});
  const ProfiledBatch q = b.build();
  ASSERT_TRUE(q.has_short_gap());
  EXPECT_NEAR(q.service_short_gap_mean_s, 0.040, 1e-12);
  EXPECT_DOUBLE_EQ(q.service_short_gap_max_s, 0.050);
}

// The message from_json gives for the linear profile edited by `edit`; "" when it loads.
template <typename Edit>
std::string load_error(Edit edit) {
  nlohmann::ordered_json doc = linear_profile().to_json();
  edit(doc);
  try {
    ServiceProfile::from_json(doc, "hostile.json");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Profile, RefusesNumbersOutOfRangeNamingTheFileAndField) {
  using nlohmann::ordered_json;
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(load_error([](ordered_json&) {}), "");
  const std::vector<std::pair<std::function<void(ordered_json&)>, std::string>> cases = {
      {[](ordered_json& d) { d["batches"][1]["service_mean_s"] = -0.01; },
       "batches[1].service_mean_s: '-0.01' is out of range (0 to 30 days)"},
      {[](ordered_json& d) { d["batches"][0]["service_max_s"] = 1e30; },
       "batches[0].service_max_s: '1e+30' is out of range"},
      {[](ordered_json& d) {
         d["batches"][2]["service_s"] = {0.01, std::nan("")};
       },
       "batches[2].service_s[1]"},
      {[&](ordered_json& d) { d["batches"][0]["service_isolated_s"] = {inf}; },
       "batches[0].service_isolated_s[0]"},
      {[&](ordered_json& d) { d["batches"][0]["service_short_gap_max_s"] = -inf; },
       "batches[0].service_short_gap_max_s"},
      {[&](ordered_json& d) { d["batches"][3]["energy_j"] = inf; },
       "batches[3].energy_j: not a finite number"},
      {[](ordered_json& d) { d["batches"][3]["dynamic_j"] = std::nan(""); },
       "batches[3].dynamic_j: not a finite number"},
      {[&](ordered_json& d) { d["batches"][3]["dynamic_isolated_j"] = -inf; },
       "batches[3].dynamic_isolated_j"},
      {[&](ordered_json& d) { d["batches"][3]["dynamic_ci95_j"] = inf; },
       "batches[3].dynamic_ci95_j"},
      {[&](ordered_json& d) { d["idle_power_w"] = inf; }, "idle_power_w: 'inf' is out of range"},
      {[](ordered_json& d) { d["idle_power_w"] = -5; }, "idle_power_w: '-5' is out of range"},
      {[](ordered_json& d) { d["isolation_gap_s"] = -0.1; }, "isolation_gap_s"},
      {[](ordered_json& d) { d["short_gap_s"] = 1e9; }, "short_gap_s"},
      {[](ordered_json& d) { d["batches"][0]["size"] = 0; },
       "batches[0].size: '0' is out of range (1 to 65536)"},
      {[](ordered_json& d) { d["batches"][7]["size"] = 65537; }, "batches[7].size: '65537'"},
      {[](ordered_json& d) { d["batches"][0]["size"] = -1; }, "batches[0].size: '-1'"},
      {[](ordered_json& d) { d["batches"][0]["size"] = 0.5; }, "batches[0].size: not an integer"},
  };
  for (const auto& [edit, expect] : cases) {
    const std::string error = load_error(edit);
    EXPECT_NE(error.find("profile 'hostile.json': "), std::string::npos) << error;
    EXPECT_NE(error.find(expect), std::string::npos)
        << "expected: " << expect << "\ngot: " << error;
  }
}

TEST(Profile, RefusesAHostileFileOnDisk) {
  const auto dir = testing::scratch_dir("profile");
  const std::string path = (dir / "hostile.json").string();
  nlohmann::ordered_json doc = linear_profile().to_json();
  doc["batches"][0]["service_mean_s"] = -1.0;
  std::ofstream(path) << doc.dump(1);
  try {
    ServiceProfile::load(path);
    ADD_FAILURE() << "a negative service time loaded";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("batches[0].service_mean_s"), std::string::npos)
        << e.what();
  }
  // 1e400 overflows a double: the parser refuses it rather than reading it as infinity.
  nlohmann::ordered_json marked = linear_profile().to_json();
  marked["idle_power_w"] = 12345.5;
  std::string text = marked.dump(1);
  ASSERT_NE(text.find("12345.5"), std::string::npos);
  text.replace(text.find("12345.5"), 7, "1e400");
  std::ofstream(path) << text;
  EXPECT_THROW(ServiceProfile::load(path), UsageError);
  std::filesystem::remove_all(dir);
}

TEST(Profile, CostTablesCheckServiceTimesOfProfilesBuiltInMemory) {
  ServiceProfile p = linear_profile();
  p.batches[2].service_mean_s = std::nan("");
  EXPECT_THROW(p.costs(), OutOfRangeError);
  EXPECT_THROW(p.back_to_back_costs(), OutOfRangeError);
  p = linear_profile();
  p.batches[0].service_isolated_s = {0.02};
  p.batches[0].isolated_batches = 1;
  p.batches[0].service_isolated_max_s = 1e30;
  EXPECT_THROW(p.isolated_costs(), OutOfRangeError);
  EXPECT_NO_THROW(p.short_gap_costs());  // no short-gap figures: the back-to-back ones, in range
}

}  // namespace
}  // namespace gb

namespace gb {
namespace {

// A profile records the levers it was measured with and their numeric cost; one from before
// levers existed reads as its thread count alone.
TEST(Profile, LeversAndNumericCostRoundTrip) {
  ServiceProfile p = testing::linear_profile("alexnet");
  p.threads = 2;
  p.levers = {{"engine", "optimized"}, {"precision", "bf16"}, {"threads", "2"}};
  p.numeric_cost.images = 3;
  p.numeric_cost.max_abs_diff = 0.02;
  p.numeric_cost.mean_abs_diff = 0.005;
  p.numeric_cost.reference_max = 4;
  const ServiceProfile q = ServiceProfile::from_json(p.to_json(), "p.json");
  EXPECT_EQ(q.levers, p.levers);
  EXPECT_EQ(q.numeric_cost.images, 3u);
  EXPECT_DOUBLE_EQ(q.numeric_cost.max_abs_diff, 0.02);
  EXPECT_DOUBLE_EQ(q.numeric_cost.mean_abs_diff, 0.005);
  EXPECT_FALSE(q.numeric_cost.top1_agreement);
  nlohmann::ordered_json old = p.to_json();
  old.erase("levers");
  old.erase("numeric_cost");
  const ServiceProfile r = ServiceProfile::from_json(old, "old.json");
  EXPECT_EQ(r.levers, (std::map<std::string, std::string>{{"threads", "2"}}));
  EXPECT_EQ(r.numeric_cost.images, 0u);
  old["levers"] = "eager";
  EXPECT_THROW(ServiceProfile::from_json(old, "bad.json"), UsageError);
}

}  // namespace
}  // namespace gb
