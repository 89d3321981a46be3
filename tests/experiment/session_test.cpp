// ExperimentSession on injected parts: a run's summary, energy from the meter, a meter that fails
// mid-run, and the idle baseline.
#include "experiment/session.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "experiment/fakes.h"

namespace gb {
namespace {

using std::chrono::milliseconds;
using testing::FakeExecutor;
using testing::FakeMeter;

RunSpec fake_spec() {
  RunSpec spec;
  spec.model = ModelRef{ModelRef::Kind::kBuiltin, "fake"};
  spec.policy = PolicySpec::parse("fixed:4");
  spec.set_arrival("constant",
                   1000);  // a request every 1 ms; a batch of 4 every 4 ms, served in 2 ms
  spec.requests = 40;
  spec.sample_interval = milliseconds(1);
  spec.idle_duration = milliseconds(100);
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

TEST(Session, PartsWithoutAnExecutorAreAProgrammingError) {
  EXPECT_THROW(ExperimentSession(fake_spec(), SessionParts{}), std::invalid_argument);
}

}  // namespace
}  // namespace gb
