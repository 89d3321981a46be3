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
  std::vector<ProfileStep> progress;
  const auto t0 = SteadyClock::now();
  const ServiceProfile p = profile_session(session, plan, [&](const ProfileStep& s) {
    EXPECT_EQ(s.rounds, 2u);
    EXPECT_EQ(s.turns, 4u);
    EXPECT_EQ(s.turn, steps.size());
    steps.emplace_back(s.round, s.size);
    progress.push_back(s);
  });
  const double took = to_seconds(SteadyClock::now() - t0);
  // The sizes take turns, round by round.
  EXPECT_EQ(steps,
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}, {0, 4}, {1, 1}, {1, 4}}));
  // The estimate given before the first turn is the protocol's own arithmetic on the probe
  // batches, so it is close to what the turns took (the fake's sleeps oversleep a little).
  EXPECT_LT(progress.front().elapsed_s, 0.01);
  EXPECT_GT(progress.front().left_s, 0.5 * took);
  EXPECT_LT(progress.front().left_s, 1.5 * took);
  for (std::size_t i = 1; i < progress.size(); ++i) {
    EXPECT_GT(progress[i].elapsed_s, progress[i - 1].elapsed_s);
    EXPECT_LT(progress[i].left_s, progress[i - 1].left_s);
  }
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

TEST(ProfilePlan, EstimatesATurnByTheProtocolsStoppingRules) {
  ProfileOptions o;
  o.windows = 2;
  o.window = "2s";
  o.settle = "1s";
  o.gap = "100ms";
  o.short_gap = "5ms";
  o.min_batches = 3;
  const ProfilePlan plan = make_profile_plan(o);
  // A fast batch (10 ms): settle 1 s + window 2 s (+ the batch that crosses it) + this round's
  // 50 isolated batches of 110 ms (5.5 s, under the 8 s limit) + the closing gap + one batch +
  // 150 short-gap batches of 15 ms.
  EXPECT_NEAR(estimate_turn_seconds(plan, 0.010), 1 + 2.01 + 5.5 + 0.1 + 0.01 + 2.25, 1e-9);
  // A slow batch (1 s): the window needs its 3 batches, and the isolated ones stop at the 8 s
  // limit (8 x 1.1 s, rounded up to whole batches), as do the short-gap ones (8 x 1.005 s).
  EXPECT_NEAR(estimate_turn_seconds(plan, 1.0), 1 + 4 + 8 * 1.1 + 0.1 + 1 + 8 * 1.005, 1e-9);
  // --quick, with the options it sets, takes about a third of the default protocol's time.
  const ProfilePlan usual = make_profile_plan(ProfileOptions{});
  ProfileOptions q;
  q.quick = true;
  q.windows = kQuickWindows;
  q.window = kQuickWindow;
  q.settle = kQuickSettle;
  const ProfilePlan quick = make_profile_plan(q);
  for (double service : {0.001, 0.01, 0.1, 1.0}) {
    const double ratio = estimate_turn_seconds(quick, service) * quick.rounds /
                         (estimate_turn_seconds(usual, service) * usual.rounds);
    EXPECT_GT(ratio, 0.2) << service;
    EXPECT_LT(ratio, 0.5) << service;
  }
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
