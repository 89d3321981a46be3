// ExperimentSession on injected parts: a run's summary, energy from the meter, a meter that fails
// mid-run, and the idle baseline.
#include "experiment/session.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stdexcept>

#include "experiment/fakes.h"

namespace gb {
namespace {

using std::chrono::milliseconds;
using testing::FakeExecutor;
using testing::FakeMeter;
using testing::ProfileMeter;

RunSpec fake_spec() {
  RunSpec spec;
  spec.model = ModelRef{ModelRef::Kind::kBuiltin, "fake"};
  spec.policy = PolicySpec::parse("fixed:4");
  spec.set_arrival("constant",
                   1000);  // a request every 1 ms; a batch of 4 every 4 ms, served in 2 ms
  spec.requests = 40;
  spec.sample_interval = milliseconds(1);
  spec.idle_duration = milliseconds(100);
  spec.idle_settle = Nanos(0);  // constant fakes need no settling; the tests of it set their own
  return spec;
}

// A session on `executor` (kept for inspection) and a 7 W meter with a counter and a 3 W one
// without.
ExperimentSession fake_session(const RunSpec& spec, FakeExecutor** executor, int fail_after = 0) {
  SessionParts parts;
  auto ex = std::make_unique<FakeExecutor>(milliseconds(2));
  *executor = ex.get();
  parts.executor = std::move(ex);
  parts.meters.push_back(std::make_unique<FakeMeter>("counter", 7.0, true, fail_after));
  parts.meters.push_back(std::make_unique<FakeMeter>("sampled", 3.0, false));
  parts.device_name = "fake device";
  return ExperimentSession(spec, std::move(parts));
}

TEST(Session, MeasuresTheIdleBaselineFromEveryMeter) {
  FakeExecutor* ex = nullptr;
  std::vector<std::string> log;
  SessionParts parts;
  parts.executor = std::make_unique<FakeExecutor>(milliseconds(2));
  parts.meters.push_back(std::make_unique<FakeMeter>("counter", 7.0, true));
  parts.meters.push_back(std::make_unique<FakeMeter>("sampled", 3.0, false));
  // A window long enough that a loaded machine's preemption between reading the clock and the
  // counter (tens of ms on 2 busy cores) stays within the tolerance.
  RunSpec spec = fake_spec();
  spec.idle_duration = milliseconds(400);
  const ExperimentSession session(spec, std::move(parts),
                                  [&](const std::string& m) { log.push_back(m); });
  ASSERT_EQ(session.idle_power_w().size(), 2u);
  EXPECT_NEAR(session.idle_power_w()[0], 7.0, 0.7);   // counter difference over the window
  EXPECT_NEAR(session.idle_power_w()[1], 3.0, 1e-9);  // integrated samples of a constant draw
  EXPECT_EQ(session.domains(), (std::vector<std::string>{"counter", "sampled"}));
  EXPECT_EQ(session.energy_method(), "rapl");
  ASSERT_EQ(log.size(), 1u);  // no warm-up for an injected executor: it is ready as given
  EXPECT_NE(log[0].find("measuring idle power for 400ms"), std::string::npos) << log[0];

  RunSpec no_baseline = fake_spec();
  no_baseline.idle_duration = Nanos(0);
  EXPECT_TRUE(fake_session(no_baseline, &ex).idle_power_w().empty());
}

TEST(Session, RunReturnsACompleteSummaryWithTheMetersEnergy) {
  FakeExecutor* ex = nullptr;
  const RunSpec spec = fake_spec();
  ExperimentSession session = fake_session(spec, &ex);
  const RunOutcome out = session.run(spec);
  const RunSummary& s = out.summary;
  EXPECT_TRUE(s.complete) << s.incomplete_reason;
  EXPECT_EQ(s.requests, 40u);
  EXPECT_EQ(s.batches, 10u);
  EXPECT_DOUBLE_EQ(s.mean_batch_size, 4.0);
  EXPECT_EQ(s.policy, "fixed:4");
  EXPECT_EQ(s.device_name, "fake device");
  EXPECT_EQ(s.images_source, "injected");
  EXPECT_GE(s.service_s.mean, 0.002);  // the executor's 2 ms, and little more
  EXPECT_LT(s.service_s.mean, 0.050);

  // The executor served every request once, in order, in batches of four.
  const auto batches = ex->batches();
  ASSERT_EQ(batches.size(), 10u);
  for (std::size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ(batches[i], std::make_pair(4 * i, std::size_t{4}));
  }

  // Energy is the meters' constant draw over the window, split into idle and dynamic by the
  // baseline (the same draw, so dynamic is about zero).
  const EnergyAccount& e = s.energy;
  ASSERT_EQ(e.domains.size(), 2u);
  EXPECT_GT(e.seconds, 0.035);  // 40 requests 1 ms apart
  // One window for every figure: time zero to the last completion, as Time(s).
  EXPECT_DOUBLE_EQ(e.seconds, s.time_s);
  EXPECT_NEAR(e.domains[0].joules, 7.0 * e.seconds, 0.05 * 7.0 * e.seconds);
  EXPECT_NEAR(e.domains[1].joules, 3.0 * e.seconds, 1e-9);  // a constant, integrated exactly
  EXPECT_NEAR(e.gross_j(), 10.0 * e.seconds, 0.05 * 10.0 * e.seconds);
  ASSERT_TRUE(e.dynamic_j().has_value());
  EXPECT_NEAR(*e.dynamic_j(), 0.0, 0.1 * 10.0 * e.seconds);
  EXPECT_FALSE(out.samples.empty());

  // A session runs any number of configurations in turn.
  RunSpec greedy = spec;
  greedy.policy = PolicySpec::parse("greedy");
  EXPECT_TRUE(session.run(greedy).summary.complete);
}

TEST(Session, AMeterThatFailsMidRunGivesAnIncompleteRunWithTheReason) {
  FakeExecutor* ex = nullptr;
  RunSpec spec = fake_spec();
  spec.idle_duration = Nanos(0);  // the meter's samples all go to the run
  spec.requests = 200;            // 200 ms of requests; the meter fails after ~20 ms
  ExperimentSession session = fake_session(spec, &ex, /*fail_after=*/20);
  const RunOutcome out = session.run(spec);
  EXPECT_FALSE(out.summary.complete);
  EXPECT_NE(out.summary.incomplete_reason.find("energy meter failed mid-run"), std::string::npos)
      << out.summary.incomplete_reason;
  EXPECT_NE(out.summary.incomplete_reason.find("fake meter lost"), std::string::npos)
      << out.summary.incomplete_reason;
  // What was measured is kept: every request ran, energy only up to the last good sample.
  EXPECT_EQ(out.summary.requests, 200u);
  EXPECT_FALSE(out.samples.empty());
  EXPECT_LT(out.summary.energy.seconds, out.summary.time_s);
}

// A session on one ProfileMeter drawing `power`; its log lines go to `log`.
ExperimentSession profile_session(const RunSpec& spec, std::function<double(double)> power,
                                  std::vector<std::string>& log) {
  SessionParts parts;
  parts.executor = std::make_unique<FakeExecutor>(milliseconds(2));
  parts.meters.push_back(std::make_unique<ProfileMeter>(std::move(power)));
  return ExperimentSession(spec, std::move(parts), [&](const std::string& m) { log.push_back(m); });
}

bool logged(const std::vector<std::string>& log, const std::string& text) {
  for (const std::string& line : log) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

// The thread pools' spin-down after warm-up, shortened: 30 W falling linearly to a 10 W floor
// over the first 300 ms.
double decaying(double t) { return t < 0.3 ? 30 - 20 * t / 0.3 : 10; }

TEST(Session, IdleBaselineWaitsForPowerToSettleAndMeasuresTheFloor) {
  std::vector<std::string> log;
  RunSpec spec = fake_spec();
  spec.idle_duration = milliseconds(200);
  spec.idle_settle = std::chrono::seconds(3);
  ExperimentSession session = profile_session(spec, decaying, log);
  ASSERT_EQ(session.idle_power_w().size(), 1u);
  // The floor, not the ~23 W that the decay's first 200 ms average to.
  EXPECT_NEAR(session.idle_power_w()[0], 10.0, 0.3);
  EXPECT_TRUE(logged(log, "settled after")) << log.front();
  EXPECT_FALSE(logged(log, "did not settle"));

  const RunSummary s = session.run(spec).summary;
  ASSERT_TRUE(s.idle_settle_s.has_value());
  EXPECT_GE(*s.idle_settle_s, 0.5);  // three 250 ms windows past the decay at least
  EXPECT_LE(*s.idle_settle_s, 3.0);
  EXPECT_TRUE(s.idle_settled);
  ASSERT_TRUE(s.idle_spread.has_value());
  EXPECT_LE(*s.idle_spread, 0.03);
  EXPECT_EQ(summary_row(s)[columns::kIdleSpread], *s.idle_spread);
  const auto doc = summary_document(s);
  EXPECT_EQ(doc["idle_baseline"]["settled"], true);
  EXPECT_EQ(doc["settings"]["idle_settle_seconds"], 3.0);

  // Without settling, the same draw gives the baseline the decay: what the settling is for.
  log.clear();
  spec.idle_settle = Nanos(0);
  const ExperimentSession at_once = profile_session(spec, decaying, log);
  EXPECT_GT(at_once.idle_power_w()[0], 15.0);
  EXPECT_FALSE(at_once.idle_power_w().empty());
}

TEST(Session, IdlePowerThatNeverSettlesIsWarnedAboutWithinTheBound) {
  std::vector<std::string> log;
  RunSpec spec = fake_spec();
  spec.idle_settle = std::chrono::seconds(1);
  const auto start = SteadyClock::now();
  ExperimentSession session = profile_session(
      spec, [](double t) { return 10 + 20 * t; }, log);
  // The bound holds: 1 s of settling and 100 ms of baseline, with room for a loaded machine.
  EXPECT_LT(to_seconds(SteadyClock::now() - start), 3.0);
  EXPECT_TRUE(logged(log, "warning: idle power did not settle within 1s"));
  const RunSummary s = session.run(spec).summary;
  EXPECT_FALSE(s.idle_settled);
  ASSERT_TRUE(s.idle_spread.has_value());
  EXPECT_GT(*s.idle_spread, 0.03);
  EXPECT_EQ(summary_document(s)["idle_baseline"]["settled"], false);
}

TEST(Session, ARunTooShortForItsMetersIsNotValidForEnergy) {
  SessionParts parts;
  parts.executor = std::make_unique<FakeExecutor>(milliseconds(2));
  auto meter = std::make_unique<FakeMeter>("gpu0", 50.0, true);
  meter->set_update_period(milliseconds(100));  // a stepped counter: 1 s is 10 of its updates
  meter->set_temperature(61);
  parts.meters.push_back(std::move(meter));
  RunSpec spec = fake_spec();
  ExperimentSession session(spec, std::move(parts));

  // 40 requests, the default minimum 64; and 40 ms, under 1 s.
  RunSummary s = session.run(spec).summary;
  EXPECT_TRUE(s.complete);
  EXPECT_FALSE(s.valid_for_energy);
  EXPECT_NE(s.invalid_reason.find("40 requests < min_valid_requests 64"), std::string::npos)
      << s.invalid_reason;
  EXPECT_NE(s.invalid_reason.find("min_valid_seconds 1 s"), std::string::npos) << s.invalid_reason;
  EXPECT_EQ(summary_row(s)[columns::kValidForEnergy], false);
  EXPECT_EQ(summary_document(s)["invalid_reason"], s.invalid_reason);
  // The temperature at the run's start, from the meter that has one.
  EXPECT_EQ(s.gpu_temperature_c, std::optional<double>(61));
  EXPECT_EQ(summary_row(s)[columns::kGpuTemperature], 61.0);

  spec.min_valid_requests = 10;  // then only the duration is short
  s = session.run(spec).summary;
  EXPECT_FALSE(s.valid_for_energy);
  EXPECT_EQ(s.invalid_reason.find("requests"), std::string::npos) << s.invalid_reason;

  spec.min_valid_duration = milliseconds(10);
  s = session.run(spec).summary;
  EXPECT_TRUE(s.valid_for_energy) << s.invalid_reason;
  EXPECT_EQ(summary_row(s)[columns::kValidForEnergy], true);
  EXPECT_EQ(summary_document(s).count("invalid_reason"), 0u);
}

TEST(Session, WithoutAStepperOrATemperatureNeitherIsAssumed) {
  FakeExecutor* ex = nullptr;
  RunSpec spec = fake_spec();
  spec.min_valid_requests = 10;
  ExperimentSession session = fake_session(spec, &ex);
  const RunSummary s = session.run(spec).summary;
  EXPECT_TRUE(s.valid_for_energy) << s.invalid_reason;  // no stepped counter: no minimum time
  EXPECT_EQ(s.gpu_temperature_c, std::nullopt);
  EXPECT_TRUE(summary_row(s)[columns::kGpuTemperature].is_null());
  EXPECT_FALSE(s.idle_spread.has_value());  // settling was off
}

TEST(Session, PartsWithoutAnExecutorAreAProgrammingError) {
  EXPECT_THROW(ExperimentSession(fake_spec(), SessionParts{}), std::invalid_argument);
}

}  // namespace
}  // namespace gb
