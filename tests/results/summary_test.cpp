// What a run's figures hold: the paper's columns the device's energy, ours the total of the
// domains (never platform on top of the package), overload said out loud, service time per batch
// and per request.
#include "results/summary.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace gb {
namespace {

using std::chrono::seconds;

DomainEnergy domain(const char* name, EnergyMethod method, double joules) {
  DomainEnergy d;
  d.domain = name;
  d.method = method;
  d.joules = joules;
  return d;
}

// Four requests at 0, 1, 2, 3 s, served as batches of 1 (1 s) and 3 (2 s).
RunTrace four_requests() {
  RunTrace t;
  t.scheduled = {seconds(0), seconds(1), seconds(2), seconds(3)};
  t.released = t.scheduled;
  t.batches = {{0, 1, seconds(0), seconds(1)}, {1, 3, seconds(3), seconds(5)}};
  t.end = seconds(5);
  return t;
}

RunSpec on(const char* device) {
  RunSpec spec;
  spec.device = Device::parse(device);
  return spec;
}

TEST(Summary, PaperColumnsHoldTheGpuOnAGpuAndTheTotalAddsCpuAndDramButNotPlatform) {
  EnergyAccount e;
  e.seconds = 5;
  e.domains = {domain("gpu0", EnergyMethod::kNvmlEnergy, 100),
               domain("package-0", EnergyMethod::kRapl, 50),
               domain("dram", EnergyMethod::kRapl, 10), domain("psys", EnergyMethod::kRapl, 80)};
  const RunSummary s = summarize(on("cuda:0"), four_requests(), e, {});
  const auto row = summary_row(s);
  EXPECT_DOUBLE_EQ(row["Energy(J)"].get<double>(), 100);
  EXPECT_DOUBLE_EQ(row["Average Power(W)"].get<double>(), 20);
  EXPECT_EQ(row[columns::kPaperEnergyScope], "gpu");
  EXPECT_DOUBLE_EQ(row["gpu_energy_j"].get<double>(), 100);
  EXPECT_DOUBLE_EQ(row["cpu_energy_j"].get<double>(), 50);
  EXPECT_DOUBLE_EQ(row["dram_energy_j"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(row["platform_energy_j"].get<double>(), 80);
  EXPECT_DOUBLE_EQ(row[columns::kTotalEnergy].get<double>(), 160);
  EXPECT_DOUBLE_EQ(row[columns::kEnergyPerImage].get<double>(), 40);

  // On the CPU the paper's columns are the package's; the total still adds DRAM.
  e.domains.erase(e.domains.begin());
  const auto cpu = summary_row(summarize(on("cpu"), four_requests(), e, {}));
  EXPECT_DOUBLE_EQ(cpu["Energy(J)"].get<double>(), 50);
  EXPECT_EQ(cpu[columns::kPaperEnergyScope], "cpu");
  EXPECT_TRUE(cpu["gpu_energy_j"].is_null());
  EXPECT_DOUBLE_EQ(cpu[columns::kTotalEnergy].get<double>(), 60);
}

TEST(Summary, APlatformDomainAloneIsTheTotal) {
  EnergyAccount e;
  e.domains = {domain("platform", EnergyMethod::kRapl, 30)};
  EXPECT_DOUBLE_EQ(e.gross_j(), 30);  // nothing else was measured: it is not on top of anything
}

TEST(Summary, PeakPowerIsThePaperDomainsNotMeterZeros) {
  EnergyAccount e;
  e.seconds = 5;
  e.domains = {domain("package-0", EnergyMethod::kRapl, 50),
               domain("gpu0", EnergyMethod::kNvmlEnergy, 100)};
  RunSpec spec = on("cuda:0");
  spec.peak_threshold_w = 65;
  // Meter 0 (the CPU) never exceeds the threshold; meter 1 (the GPU) draws 200 W.
  std::vector<PowerSample> samples;
  for (int i = 0; i < 5; ++i) {
    samples.push_back({seconds(i), 30.f, 0});
    samples.push_back({seconds(i), 200.f, 1});
  }
  const RunSummary s = summarize(spec, four_requests(), e, samples);
  ASSERT_TRUE(s.peak_power_w.has_value());
  EXPECT_DOUBLE_EQ(*s.peak_power_w, 200);
}

TEST(Summary, ATotalThatMixesAMeasurementAndAnEstimateSaysSo) {
  EnergyAccount e;
  e.domains = {domain("gpu0", EnergyMethod::kNvmlEnergy, 100),
               domain("cpu", EnergyMethod::kEstimate, 20)};
  const EnergyMethods m = parse_energy_methods(e.method());
  EXPECT_TRUE(m.partly_estimated());
  EXPECT_NE(estimate_note(m).find("partly estimated"), std::string::npos);
  EXPECT_EQ(estimate_note(parse_energy_methods("rapl")), "");
  EXPECT_NE(estimate_note(parse_energy_methods("estimate")).find("NOT a measurement"),
            std::string::npos);
}

TEST(Summary, ServiceTimeIsReportedPerBatchAndPerRequest) {
  const RunSummary s = summarize(on("cpu"), four_requests(), EnergyAccount{}, {});
  EXPECT_DOUBLE_EQ(s.service_s.mean, 1.5);               // (1 + 2) / 2 batches
  EXPECT_DOUBLE_EQ(s.mean_service_per_request_s, 1.75);  // (1 + 3 x 2) / 4 requests
  // Per request, the views add up: mean response = mean queue wait + mean service.
  EXPECT_DOUBLE_EQ(s.response_s.mean, s.queue_wait_s.mean + s.mean_service_per_request_s);
}

TEST(Summary, AStreamServedSlowerThanItArrivesIsOverloaded) {
  const RunSummary fine = summarize(on("cpu"), four_requests(), EnergyAccount{}, {});
  ASSERT_TRUE(fine.offered_rps.has_value());
  EXPECT_DOUBLE_EQ(*fine.offered_rps, 1);  // 3 gaps in 3 s
  // 4 served in 3 s of service: a capacity of 1.33/s, though the last batch ends at 5 s.
  EXPECT_DOUBLE_EQ(*fine.capacity_rps, 4.0 / 3);
  EXPECT_FALSE(fine.overloaded);
  RunTrace slow = four_requests();
  slow.batches = {{0, 4, seconds(3), seconds(13)}};
  slow.end = seconds(13);
  const RunSummary s = summarize(on("cpu"), slow, EnergyAccount{}, {});
  EXPECT_TRUE(s.overloaded);  // 4 in 10 s of service: 0.4/s of 1/s
  EXPECT_EQ(summary_row(s)[columns::kOverloaded], true);
  // Everything at once has no rate to fall behind.
  RunTrace offline = four_requests();
  offline.scheduled.assign(4, Nanos(0));
  EXPECT_FALSE(summarize(on("cpu"), offline, EnergyAccount{}, {}).offered_rps.has_value());
}

TEST(Summary, ARunUnderEitherMinimumIsNotValidForEnergyAndSaysWhich) {
  RunSummary s = summarize(on("cpu"), four_requests(), EnergyAccount{}, {});  // 4 requests, 5 s
  judge_validity(s, 4, seconds(5));
  EXPECT_TRUE(s.valid_for_energy) << s.invalid_reason;  // the bounds themselves are enough
  EXPECT_EQ(s.invalid_reason, "");
  judge_validity(s, 64, seconds(10));
  EXPECT_FALSE(s.valid_for_energy);
  EXPECT_EQ(s.invalid_reason, "4 requests < min_valid_requests 64; 5 s < min_valid_seconds 10 s");
  judge_validity(s, 0, Nanos(0));
  EXPECT_TRUE(s.valid_for_energy);
}

TEST(Summary, NewColumnsComeLastAndUnknownsAreNull) {
  RunSummary s = summarize(on("cpu"), four_requests(), EnergyAccount{}, {});
  const auto row = summary_row(s);
  std::vector<std::string> keys;
  for (auto it = row.begin(); it != row.end(); ++it) keys.push_back(it.key());
  const auto at = [&](const char* key) {
    return std::find(keys.begin(), keys.end(), key) - keys.begin();
  };
  // After what existing files hold (overloaded was last), so that old summary.csv headers are a
  // prefix of the new one.
  EXPECT_GT(at(columns::kIdleSpread), at(columns::kOverloaded));
  EXPECT_GT(at(columns::kValidForEnergy), at(columns::kIdleSpread));
  EXPECT_GT(at(columns::kGpuTemperature), at(columns::kValidForEnergy));
  EXPECT_LT(at(columns::kGpuTemperature), static_cast<long>(keys.size()));
  EXPECT_TRUE(row[columns::kIdleSpread].is_null());
  EXPECT_EQ(row[columns::kValidForEnergy], true);
  EXPECT_TRUE(row[columns::kGpuTemperature].is_null());
  const auto doc = summary_document(s);
  EXPECT_TRUE(doc["idle_baseline"]["settle_s"].is_null());
  EXPECT_TRUE(doc["idle_baseline"]["settled"].is_null());       // nothing was checked
  EXPECT_TRUE(doc["settings"]["min_valid_seconds"].is_null());  // from the meters
  EXPECT_EQ(doc["settings"]["min_valid_requests"], 64);
}

}  // namespace
}  // namespace gb

namespace gb {
namespace {

TEST(Summary, ALoadWithoutEnergyOrBatchesWritesNullNotZero) {
  RunSummary s = summarize(on("cpu"), four_requests(), EnergyAccount{}, {});
  s.load = LoadFigures{};  // a server elsewhere that does not say its batches
  const auto row = summary_row(s);
  for (const char* column : {"Energy(J)", "Average Power(W)", columns::kEnergyPerImage,
                             columns::kTotalEnergy, "batches", columns::kMeanBatchSize}) {
    EXPECT_TRUE(row[column].is_null()) << column << " = " << row[column];
  }
  EXPECT_EQ(row[columns::kP50Response], s.response_s.p50);  // latency is still reported
  s.load->server_batches = true;
  EXPECT_EQ(summary_row(s)["batches"], 2);
  const auto doc = summary_document(s);
  EXPECT_EQ(doc["load"]["failed"], 0);
}

TEST(Summary, SteadyStateLeavesOutTheFirstAndLastTenthOfTheRequests) {
  RunTrace t;
  for (int i = 0; i < 40; ++i) t.scheduled.push_back(std::chrono::seconds(i));
  t.released = t.scheduled;
  for (std::size_t i = 0; i < 40; ++i) {
    t.batches.push_back({i, 1, t.scheduled[i], t.scheduled[i] + std::chrono::milliseconds(500)});
  }
  t.end = t.batches.back().end;
  EnergyAccount e;
  e.seconds = to_seconds(t.end);
  e.domains = {domain("gpu0", EnergyMethod::kNvmlEnergy, 10000)};
  // 300 W while the first and last requests arrive (a warm-up and a drain), 100 W between.
  std::vector<PowerSample> samples;
  for (int ms = 0; ms <= 40000; ms += 100) {
    const bool edge = ms < 4000 || ms > 36000;
    samples.push_back({std::chrono::milliseconds(ms), edge ? 300.f : 100.f, 0});
  }
  const RunSummary s = summarize(on("cuda:0"), t, e, samples);
  ASSERT_TRUE(s.steady_energy_per_image_j.has_value());
  EXPECT_NEAR(*s.steady_energy_per_image_j, 100.0, 0.5);  // 32 s x 100 W / 32 requests
  EXPECT_EQ(s.steady_energy_method, "nvml-power");        // integrated samples, not the counter
  const auto row = summary_row(s);
  EXPECT_DOUBLE_EQ(row[columns::kEnergyPerImage].get<double>(), 250);  // the whole run
  EXPECT_FALSE(summarize(on("cuda:0"), four_requests(), e, samples).steady_energy_per_image_j);
}

}  // namespace
}  // namespace gb
