// Profile files (round trip, foreign files refused) and the builder that pools profiling rounds.
#include "profile/profile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/errors.h"
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

}  // namespace
}  // namespace gb
