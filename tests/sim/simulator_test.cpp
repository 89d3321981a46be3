// The simulator: exact virtual-time arithmetic, the same policy objects as the real runner (same
// batches on the same stream), service-time sampling, and the slo policy meeting its budget.
#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "batching/greedy_policy.h"
#include "batching/policy.h"
#include "common/errors.h"
#include "profile/profile_fixture.h"
#include "runtime/batch_executor.h"
#include "runtime/stream_runner.h"
#include "test_paths.h"
#include "workload/arrivals.h"

namespace gb {
namespace {

using testing::linear_profile;

using std::chrono::milliseconds;
TEST(Simulator, FixedBatchesOnAConstantStreamAreExact) {
  const ServiceProfile profile = linear_profile();
  RunSpec spec;
  spec.model = ModelRef{ModelRef::Kind::kBuiltin, "m"};
  spec.set_arrival("constant", 10);  // one request every 100 ms
  spec.requests = 8;
  spec.policy = PolicySpec::parse("fixed:4");
  const SimulatedRun r = simulate_run(spec, profile, true);
  ASSERT_EQ(r.trace.batches.size(), 2u);
  // Batch 1: requests at 0..300 ms, starts at 300 ms, takes 30 ms.
  EXPECT_EQ(r.trace.batches[0].start, milliseconds(300));
  EXPECT_EQ(r.trace.batches[0].end, milliseconds(330));
  EXPECT_EQ(r.trace.batches[1].end, milliseconds(730));
  EXPECT_DOUBLE_EQ(r.summary.response_s.max, 0.330);
  EXPECT_TRUE(r.summary.simulated);
  EXPECT_EQ(r.summary.energy.method(), "estimate");
  // Energy = idle x time + dynamic of each batch.
  EXPECT_NEAR(r.summary.energy.gross_j(), 20 * 0.730 + 2 * 1.4, 1e-9);
  EXPECT_NEAR(*r.summary.energy.dynamic_j(), 2 * 1.4, 1e-9);
}

// Serves a batch of b in exactly the profile's mean service time (sleeping), so the real runner
// meets the same service times the simulator draws with mean_only.
class SleepingExecutor final : public BatchExecutor {
 public:
  explicit SleepingExecutor(const ServiceSampler& means) : means_(means) {}
  void execute(std::size_t, std::size_t count) override {
    std::this_thread::sleep_for(means_.mean(count));
  }

 private:
  const ServiceSampler& means_;
};

// Service 20 ms + 10 ms per image: coarse enough that the real runner's scheduling noise (sleep
// overshoot on a loaded 2-core machine) stays far below every margin the test relies on.
ServiceProfile coarse_profile() {
  ServiceProfile p = linear_profile();
  for (ProfiledBatch& b : p.batches) {
    b.service_mean_s = b.service_p50_s = b.service_p99_s = b.service_max_s = 0.020 + 0.010 * b.size;
    b.service_s = {b.service_mean_s};
  }
  return p;
}

TEST(Simulator, DrivesTheSamePoliciesAsTheRealRunnerToTheSameBatches) {
  // Timing-dependent policies (timeouts, Triton's delay, AIMD's feedback, the slo plan) make the
  // same batches in both only if both drive them the same way. The real run's clock runs behind
  // the virtual one by scheduling noise (a sleep or a wake-up is never early), so the stream is
  // chosen such that no arrival follows a simulated batch start within `margin` (asserted below):
  // then noise below the margin cannot change which requests a decision sees.
  const Nanos margin = milliseconds(10);
  const std::vector<Nanos> schedule = generate_schedule(parse_arrival("paper", 12), 24, 1);
  const ServiceProfile profile = coarse_profile();
  const ServiceSampler means(profile, 0, true);
  for (const char* spec :
       {"fixed:3", "fixed:3,timeout=50ms", "greedy:4", "triton:max=8,preferred=2|4,delay=40ms",
        "torchserve:batch=4,delay=40ms", "aimd:slo=79ms", "slo:250ms"}) {
    SCOPED_TRACE(spec);
    auto sim_policy = parse_policy(spec, profile.costs());
    ServiceSampler service(profile, 1, true);
    const SimulatedStream sim = simulate_stream(schedule, *sim_policy, service, profile);
    for (const BatchRecord& b : sim.trace.batches) {
      for (Nanos a : schedule) {
        ASSERT_FALSE(a > b.start && a - b.start < margin)
            << "test set-up: an arrival follows a batch start within the margin";
      }
    }
    // A machine loaded beyond the margin (a stall of more than 10 ms) can still move a decision;
    // such noise only ever delays, so one of three real runs matching batch by batch shows both
    // drive the policy alike, and three that all differ do not happen by noise alone.
    std::string mismatch;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto real_policy = parse_policy(spec, profile.costs());
      SleepingExecutor executor(means);
      StreamRunner runner;
      const RunTrace real = runner.run(schedule, *real_policy, executor, SteadyClock::now());
      mismatch.clear();
      if (real.batches.size() != sim.trace.batches.size()) {
        mismatch = "batches: " + std::to_string(real.batches.size()) + " real, " +
                   std::to_string(sim.trace.batches.size()) + " simulated";
      }
      for (std::size_t i = 0; mismatch.empty() && i < real.batches.size(); ++i) {
        if (real.batches[i].first != sim.trace.batches[i].first ||
            real.batches[i].size != sim.trace.batches[i].size) {
          mismatch = "batch " + std::to_string(i) + ": real [" +
                     std::to_string(real.batches[i].first) + ", +" +
                     std::to_string(real.batches[i].size) + "), simulated [" +
                     std::to_string(sim.trace.batches[i].first) + ", +" +
                     std::to_string(sim.trace.batches[i].size) + ")";
        }
      }
      if (mismatch.empty()) break;
    }
    EXPECT_EQ(mismatch, "") << "in each of three real runs";
  }
}

// A policy that waits for an arrival after the stream ended: a contract breach.
class Stranding final : public BatchingPolicy {
 public:
  Decision decide(const QueueView&, Nanos) override { return Decision::wait_for_arrival(); }
  std::string describe() const override { return "stranding"; }
  std::size_t max_batch() const override { return 1; }
  std::unique_ptr<BatchingPolicy> clone() const override { return std::make_unique<Stranding>(); }
};

TEST(Simulator, PolicyContractBreachIsAnErrorNotAHang) {
  const ServiceProfile profile = linear_profile();
  Stranding p;
  ServiceSampler service(profile, 1, true);
  EXPECT_THROW(simulate_stream({Nanos(0), milliseconds(1)}, p, service, profile), std::logic_error);
}

TEST(Simulator, SloPolicyMeetsItsBudgetAndBeatsGreedyOnEnergy) {
  const ServiceProfile profile = linear_profile();
  for (const char* arrival : {"paper", "poisson", "bursty"}) {
    RunSpec spec;
    spec.model = ModelRef{ModelRef::Kind::kBuiltin, "m"};
    spec.set_arrival(arrival, 40);
    spec.requests = 4000;
    spec.policy = PolicySpec::parse("slo:500ms");
    const SimulatedRun slo = simulate_run(spec, profile, true);
    EXPECT_LE(slo.summary.response_s.max, 0.5) << arrival;
    spec.policy = PolicySpec::parse("greedy");
    const SimulatedRun greedy = simulate_run(spec, profile, true);
    EXPECT_LT(slo.summary.energy_per_image_j(), greedy.summary.energy_per_image_j()) << arrival;
    spec.policy = PolicySpec::parse("offline:500ms");
    const SimulatedRun best = simulate_run(spec, profile, true);
    EXPECT_LE(best.summary.response_s.max, 0.5) << arrival;
    EXPECT_LE(best.summary.energy.dynamic_j().value(),
              slo.summary.energy.dynamic_j().value() + 1e-9)
        << arrival << ": the offline optimum is a lower bound";
  }
}

TEST(Simulator, DrawsEachBatchFromTheRegimeItsIdleGapPutsItIn) {
  ServiceProfile profile = linear_profile();
  profile.isolation_gap_s = 0.100;
  profile.short_gap_s = 0.005;
  ProfiledBatch& one = profile.batches[0];
  one.service_s = {0.010};
  one.service_mean_s = one.service_max_s = 0.010;
  one.service_short_gap_s = {0.020};
  one.service_short_gap_mean_s = one.service_short_gap_max_s = 0.020;
  one.service_isolated_s = {0.030};
  one.service_isolated_mean_s = one.service_isolated_max_s = 0.030;
  one.isolated_batches = 1;
  one.dynamic_isolated_j = one.dynamic_j;
  std::vector<Nanos> schedule;
  for (int i = 0; i < 5; ++i) schedule.push_back(milliseconds(25 * i));  // every 25 ms
  schedule.push_back(milliseconds(300));                                 // after a long pause
  GreedyPolicy greedy(1);
  ServiceSampler service(profile, 1);
  const SimulatedStream s = simulate_stream(schedule, greedy, service, profile);
  std::vector<int64_t> took_ms;
  for (const BatchRecord& b : s.trace.batches)
    took_ms.push_back((b.end - b.start).count() / 1000000);
  // First: isolated (the run starts idle). The 25 ms arrival waited for it: back to back. Then
  // 10 ms and 5 ms gaps: short gap. After 180 ms of idleness: isolated again.
  EXPECT_EQ(took_ms, (std::vector<int64_t>{30, 10, 20, 20, 20, 30}));

  // Without short-gap samples (older profiles) those batches are drawn as back to back.
  one.service_short_gap_s.clear();
  ServiceSampler older(profile, 1);
  EXPECT_EQ(older.draw(1, Regime::kShortGap), milliseconds(10));
  EXPECT_EQ(older.mean(1, Regime::kIsolated), milliseconds(30));
}

TEST(ServiceSampler, DrawsFromTheMeasuredDistributionScaledToTheSize) {
  ServiceProfile p = linear_profile();
  p.batches[2].service_s = {0.020, 0.040};  // size 4, mean 0.030
  ServiceSampler s(p, 7);
  for (int i = 0; i < 20; ++i) {
    const Nanos d = s.draw(4);
    EXPECT_TRUE(d == milliseconds(20) || d == milliseconds(40)) << d.count();
  }
  // Size 6: drawn from size 4's samples scaled by mean(6)/mean(4) = 40/30.
  const double scaled = to_seconds(s.draw(6));
  EXPECT_TRUE(std::abs(scaled - 0.020 * 4 / 3) < 1e-6 || std::abs(scaled - 0.040 * 4 / 3) < 1e-6)
      << scaled;
}

TEST(Simulator, SpeedScalesServiceTimesAndDynamicEnergyAndIsReadBackFromARun) {
  const ServiceProfile profile = linear_profile();
  RunSpec spec;
  spec.model = ModelRef{ModelRef::Kind::kBuiltin, "m"};
  spec.set_arrival("constant", 10);
  spec.requests = 8;
  spec.policy = PolicySpec::parse("fixed:4");
  const SimulatedRun base = simulate_run(spec, profile, true);
  const SimulatedRun slow = simulate_run(spec, profile, true, 0, 2.0);
  ASSERT_EQ(slow.trace.batches.size(), 2u);
  const BatchRecord& b = slow.trace.batches[0];
  EXPECT_EQ(b.end - b.start, milliseconds(60));  // 2 x (10 + 5 x 4) ms
  EXPECT_NEAR(slow.summary.energy.dynamic_j().value(), 2 * base.summary.energy.dynamic_j().value(),
              1e-9);
  EXPECT_DOUBLE_EQ(observed_speed(base.trace, profile), 1.0);
  EXPECT_DOUBLE_EQ(observed_speed(slow.trace, profile), 2.0);
  EXPECT_DOUBLE_EQ(observed_speed(RunTrace{}, profile), 1.0);  // nothing served: no evidence
  // A real dispatcher starts a queued batch microseconds after the previous one ends: still back
  // to back, not a short gap (whose samples here are 3x slower).
  ServiceProfile with_short = profile;
  for (ProfiledBatch& pb : with_short.batches) {
    pb.service_short_gap_s = {3 * pb.service_mean_s};
    pb.service_short_gap_mean_s = pb.service_short_gap_max_s = 3 * pb.service_mean_s;
  }
  RunTrace real = base.trace;
  for (BatchRecord& rec : real.batches) rec.start -= std::chrono::microseconds(1);
  real.batches[1].start = real.batches[0].end + std::chrono::microseconds(30);
  real.batches[1].end = real.batches[1].start + milliseconds(30);
  EXPECT_NEAR(observed_speed(real, with_short), 1.0, 1e-3);
  EXPECT_THROW(simulate_run(spec, profile, true, 0, 0.0), UsageError);
}

TEST(Simulator, PredictsTheMedianOverServiceTimeDraws) {
  ServiceProfile profile = linear_profile();
  // Lone batches with a rare slow one (1 in 60): a run of 50 has it or not, so its max response
  // over draws has two modes, 10 ms and 40 ms.
  profile.batches[0].service_s.assign(59, 0.010);
  profile.batches[0].service_s.push_back(0.040);
  profile.batches[0].service_mean_s = 0.0105;
  RunSpec spec;
  spec.model = ModelRef{ModelRef::Kind::kBuiltin, "m"};
  spec.set_arrival("constant", 10);  // each request alone: response = its batch's service time
  spec.requests = 50;
  spec.policy = PolicySpec::parse("greedy");
  const SimulatedRun first = simulate_run(spec, profile, false, 0);
  const SimulatedRun second = simulate_run(spec, profile, false, 1);
  EXPECT_EQ(first.trace.scheduled, second.trace.scheduled);  // same arrivals, other draws
  EXPECT_NE(first.summary.response_s.mean, second.summary.response_s.mean);
  std::vector<double> max, energy;
  for (std::size_t i = 0; i < 4; ++i) {
    const RunSummary r = simulate_run(spec, profile, false, i).summary;
    max.push_back(r.response_s.max);
    energy.push_back(r.energy_per_image_j());
  }
  std::sort(energy.begin(), energy.end());
  EXPECT_DOUBLE_EQ(predict(spec, profile, 4).energy_per_image_j, (energy[1] + energy[2]) / 2);
  max.push_back(simulate_run(spec, profile, false, 4).summary.response_s.max);
  std::sort(max.begin(), max.end());
  ASSERT_LT(max.front(), max.back()) << "the draws should differ in their slow batch";
  const Prediction p = predict(spec, profile, 5);
  EXPECT_EQ(p.draws, 5u);
  EXPECT_DOUBLE_EQ(p.max_s, max[2]);  // one of the modes, never a value between them
  EXPECT_DOUBLE_EQ(predict(spec, profile, 1).p99_s, first.summary.response_s.p99);
  EXPECT_EQ(predict(spec, profile, 5, true).draws, 1u);  // means: every draw alike
  EXPECT_THROW(predict(spec, profile, 0), UsageError);
}

}  // namespace
}  // namespace gb
