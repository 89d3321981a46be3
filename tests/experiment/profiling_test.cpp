// The profiling protocol: its options checked before anything runs, and the rounds on a session
// with a fake executor and constant-power meters, whose profile can be predicted.
#include "experiment/profiling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>

#include "common/errors.h"
#include "experiment/fakes.h"

namespace gb {
namespace {

using std::chrono::milliseconds;
using testing::FakeExecutor;
using testing::FakeMeter;

std::string plan_error(const ProfileOptions& o) {
  try {
    make_profile_plan(o);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(ProfilePlan, ChecksEveryOptionAndNamesIt) {
  const ProfilePlan plan = make_profile_plan(ProfileOptions{});
  EXPECT_EQ(plan.sizes, (std::vector<std::size_t>{1, 2, 4, 8, 16, 32, 64, 128}));
  EXPECT_EQ(plan.rounds, 3u);
  EXPECT_EQ(plan.window, std::chrono::seconds(2));
  EXPECT_EQ(plan.idle, std::chrono::seconds(5));

  const auto with = [](auto edit) {
    ProfileOptions o;
    edit(o);
    return plan_error(o);
  };
  EXPECT_NE(with([](auto& o) { o.sizes = "4,2"; }).find("--batch-sizes must increase"),
            std::string::npos);
  EXPECT_NE(with([](auto& o) { o.sizes = "0"; }).find("1..65536"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.sizes = "65537"; }).find("1..65536"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.window = "0s"; }).find("--window"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.windows = 0; }).find("--windows"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.short_gap = "60ms"; }).find("--short-gap"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.min_batches = 0; }).find("--min-batches"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.warmup_batches = -1; }).find("--warmup-batches"),
            std::string::npos);
  // Seconds from input never reach from_seconds unchecked: NaN and 1e30 are refused by name.
  for (double bad : {0.0, -1.0, std::nan("")}) {
    EXPECT_NE(with([&](auto& o) { o.idle_seconds = bad; }).find("--idle-seconds must be > 0"),
              std::string::npos);
  }
  for (double bad : {1e30, std::numeric_limits<double>::infinity()}) {
    EXPECT_NE(with([&](auto& o) { o.idle_seconds = bad; }).find("--idle-seconds: '"),
              std::string::npos)
        << bad;
  }
}

TEST(ProfilePlan, OpensTheSessionWithThePlansWarmUpAndBaseline) {
  ProfileOptions o;
  o.sizes = "1,8";
  o.idle_seconds = 0.25;
  o.warmup_batches = 2;
  RunSpec base;
  base.model = ModelRef{ModelRef::Kind::kBuiltin, "m"};
  const RunSpec spec = profiling_spec(base, make_profile_plan(o));
  EXPECT_EQ(spec.model.name, "m");
  EXPECT_EQ(spec.idle_duration, milliseconds(250));
  EXPECT_EQ(spec.warmup_batches, 2u);
  EXPECT_EQ(spec.warmup_batch_size, 8u);  // never more than the largest profiled size
}

TEST(Profiling, RoundsOnAFakeSessionGiveTheExpectedProfile) {
  ProfileOptions o;
  o.sizes = "1,4";
  o.windows = 2;
  o.window = "10ms";
  o.min_batches = 2;
  o.gap = "4ms";
  o.short_gap = "1ms";
  o.settle = "0s";
  o.idle_seconds = 0.02;
  const ProfilePlan plan = make_profile_plan(o);
  RunSpec base;
  base.model = ModelRef{ModelRef::Kind::kBuiltin, "fake"};
  base.sample_interval = milliseconds(1);
  SessionParts parts;
  auto executor = std::make_unique<FakeExecutor>(milliseconds(1), std::chrono::microseconds(250));
  const FakeExecutor& ex = *executor;
  parts.executor = std::move(executor);
  parts.meters.push_back(std::make_unique<FakeMeter>("counter", 7.0, true));
  parts.meters.push_back(std::make_unique<FakeMeter>("sampled", 3.0, false));
  ExperimentSession session(profiling_spec(base, plan), std::move(parts));

  std::vector<std::pair<std::size_t, std::size_t>> steps;
  const ServiceProfile p =
      profile_session(session, plan, [&](std::size_t round, std::size_t rounds, std::size_t size) {
        EXPECT_EQ(rounds, 2u);
        steps.emplace_back(round, size);
      });
  // The sizes take turns, round by round.
  EXPECT_EQ(steps,
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}, {0, 4}, {1, 1}, {1, 4}}));
  EXPECT_EQ(p.model, "fake");
  EXPECT_EQ(p.device_name, "injected");
  EXPECT_EQ(p.energy_method, "rapl");
  EXPECT_NEAR(p.idle_power_w, 10.0, 0.2);  // summed over the meters
  EXPECT_DOUBLE_EQ(p.isolation_gap_s, 0.004);
  EXPECT_DOUBLE_EQ(p.short_gap_s, 0.001);
  ASSERT_EQ(p.batches.size(), 2u);
  for (const ProfiledBatch& b : p.batches) {
    SCOPED_TRACE(b.size);
    const double service = 0.001 + 0.00025 * static_cast<double>(b.size);
    EXPECT_EQ(b.windows, 2u);
    EXPECT_GE(b.batches, 2u * plan.min_batches);
    EXPECT_GE(b.service_mean_s, service);
    EXPECT_LT(b.service_mean_s, service + 0.02);
    // Constant power: a back-to-back batch costs 10 W x its time, all of it idle power.
    EXPECT_NEAR(b.energy_j, 10.0 * b.service_mean_s, 0.3 * 10.0 * b.service_mean_s);
    EXPECT_NEAR(b.dynamic_j, 0.0, 0.3 * 10.0 * b.service_mean_s);
    EXPECT_GE(b.isolated_batches, plan.min_batches);  // never fewer than --min-batches in all
    EXPECT_GE(b.service_isolated_mean_s, service);
    EXPECT_TRUE(b.has_short_gap());
  }
  // Every batch the protocol ran was of a profiled size.
  for (const auto& [first, count] : ex.batches()) EXPECT_TRUE(count == 1 || count == 4) << count;
}

TEST(Profiling, AMeterThatFailsWhileProfilingThrowsRunError) {
  ProfileOptions o;
  o.sizes = "1";
  o.windows = 1;
  o.window = "50ms";
  o.gap = "0s";
  o.short_gap = "0s";
  o.settle = "0s";
  o.idle_seconds = 0.005;
  const ProfilePlan plan = make_profile_plan(o);
  RunSpec base;
  base.sample_interval = milliseconds(1);
  base.idle_settle = Nanos(0);  // settling would spend the meter's 20 samples before profiling
  SessionParts parts;
  parts.executor = std::make_unique<FakeExecutor>(milliseconds(1));
  parts.meters.push_back(std::make_unique<FakeMeter>("gpu", 50.0, true, /*fail_after=*/20));
  ExperimentSession session(profiling_spec(base, plan), std::move(parts));
  try {
    profile_session(session, plan);
    FAIL() << "a failed meter went unnoticed";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("fake meter lost"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gb
