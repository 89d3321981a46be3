#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "common/errors.h"
#include "energy/cpu_estimator.h"
#include "results/energy_account.h"
#include "results/result_folder.h"
#include "results/summary.h"
#include "test_paths.h"

namespace gb {
namespace {

RunSpec with_policy(RunSpec spec, const char* policy) {
  spec.policy = PolicySpec::parse(policy);
  return spec;
}

namespace fs = std::filesystem;
using std::chrono::milliseconds;

TEST(Distribution, NearestRankPercentiles) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  const Distribution d = describe_distribution(v);
  EXPECT_DOUBLE_EQ(d.mean, 50.5);
  EXPECT_DOUBLE_EQ(d.p50, 50);
  EXPECT_DOUBLE_EQ(d.p90, 90);
  EXPECT_DOUBLE_EQ(d.p99, 99);
  EXPECT_DOUBLE_EQ(d.max, 100);
  EXPECT_DOUBLE_EQ(describe_distribution({7}).p99, 7);
}

// Two batches of two requests, 10 ms apart, each served in 5 ms.
RunTrace small_trace() {
  RunTrace t;
  t.scheduled = {milliseconds(0), milliseconds(10), milliseconds(20), milliseconds(30)};
  t.released = t.scheduled;
  t.batches = {{0, 2, milliseconds(10), milliseconds(15)},
               {2, 2, milliseconds(30), milliseconds(35)}};
  t.end = milliseconds(35);
  return t;
}

EnergyAccount account(double joules, std::optional<double> idle_w) {
  EnergyAccount a;
  a.seconds = 0.035;
  a.domains.push_back({"cpu", EnergyMethod::kEstimate, joules, idle_w, "test"});
  return a;
}

TEST(Summary, PaperColumnsFirstAndFiguresFromTheTrace) {
  RunSpec spec;
  spec.policy = PolicySpec::parse("fixed:2");
  const RunSummary s =
      summarize(with_policy(spec, "fixed:2"), small_trace(), account(0.7, 10.0), {});
  EXPECT_EQ(s.batches, 2u);
  EXPECT_DOUBLE_EQ(s.mean_batch_size, 2);
  EXPECT_NEAR(s.response_s.max, 0.015, 1e-12);   // request 0: 0 -> 15 ms
  EXPECT_NEAR(s.response_s.mean, 0.010, 1e-12);  // 15, 5, 15, 5 ms
  EXPECT_NEAR(s.queue_wait_s.max, 0.010, 1e-12);
  EXPECT_NEAR(s.average_power_w(), 20.0, 1e-9);
  EXPECT_NEAR(s.energy_per_image_j(), 0.175, 1e-12);
  EXPECT_NEAR(*s.energy.dynamic_j(), 0.7 - 10.0 * 0.035, 1e-12);

  const auto row = summary_row(s);
  std::vector<std::string> keys;
  for (auto it = row.begin(); it != row.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> paper = {
      "Batch Size",       "Average Power(W)",      "Time(s)", "Energy(J)", "Average Wait Time(s)",
      "Max Wait Time(s)", "Average Peak Power (W)"};
  ASSERT_GE(keys.size(), paper.size());
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 7), paper);
  EXPECT_EQ(row["Batch Size"], 2);
  EXPECT_EQ(row["energy_method"], "estimate");
  EXPECT_TRUE(row["Average Peak Power (W)"].is_null());
}

TEST(Summary, NoIdleBaselineMeansNoDynamicFigure) {
  const RunSummary s =
      summarize(with_policy(RunSpec{}, "greedy:128"), small_trace(), account(1, std::nullopt), {});
  EXPECT_FALSE(s.energy.dynamic_j().has_value());
  EXPECT_TRUE(summary_row(s)["energy_dynamic_j"].is_null());
  EXPECT_EQ(summary_row(s)["Batch Size"], "greedy:128");
}

TEST(EnergyAccount, MixedMethodsAreLabelledTogether) {
  EnergyAccount a;
  a.domains = {{"gpu0", EnergyMethod::kNvmlEnergy, 10, 50.0, ""},
               {"package-0", EnergyMethod::kRapl, 5, 20.0, ""}};
  a.seconds = 0.1;
  EXPECT_EQ(a.method(), "nvml-energy+rapl");
  EXPECT_DOUBLE_EQ(a.gross_j(), 15);
  EXPECT_DOUBLE_EQ(*a.idle_j(), 7);
}

TEST(EnergyAccount, CounterMetersUseCounterDeltasOthersIntegrate) {
  CpuEstimator est;
  PowerSampler sampler({&est}, milliseconds(10), SteadyClock::now());
  EnergyReading begin{milliseconds(0), {std::nullopt}}, end{milliseconds(100), {std::nullopt}};
  // Without counter readings: trapezoid over samples (constant 20 W for 0.1 s = 2 J).
  std::vector<PowerSample> samples = {{milliseconds(0), 20.f, 0}, {milliseconds(100), 20.f, 0}};
  EXPECT_NEAR(account_energy(sampler, samples, begin, end).gross_j(), 2.0, 1e-9);
  // With counter readings: their difference, whatever the samples say.
  begin.joules = {5.0};
  end.joules = {8.5};
  EXPECT_NEAR(account_energy(sampler, samples, begin, end).gross_j(), 3.5, 1e-12);
}

class ResultFolderTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("results"); }
  void TearDown() override { fs::remove_all(dir_); }
  static std::vector<std::string> lines(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  fs::path dir_;
};

// A run that died after its request rows but before its summary row used to have its id reused
// by the next run, whose rows then mixed with the dead run's.
TEST_F(ResultFolderTest, ADeadRunsIdIsNotReusedAndItsTemporariesAreRemoved) {
  {
    ResultFolder folder(dir_.string());
    EXPECT_EQ(folder.claim_run_id(), "run-1");  // then the run dies: no append
  }
  std::ofstream(dir_ / "requests.csv")
      << "run_id,id,scheduled_s,released_s,batch,start_s,end_s\nrun-1,0,0,0,0,0,0\n";
  // A temporary of a writer that no longer exists (a child that has exited).
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  const fs::path stale = dir_ / ("summary.csv.tmp-" + std::to_string(child));
  std::ofstream(stale) << "half";
  const fs::path live = dir_ / ("summary.csv.tmp-" + std::to_string(::getppid()));
  std::ofstream(live) << "another writer's";

  ResultFolder folder(dir_.string());
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));  // a live process's temporary is left alone
  fs::remove(live);
  RunSummary s =
      summarize(with_policy(RunSpec{}, "fixed:2"), small_trace(), account(0.7, 10.0), {});
  s.run_id = folder.claim_run_id();
  EXPECT_EQ(s.run_id, "run-2");
  folder.append(s, small_trace(), {}, {"cpu"});
  EXPECT_EQ(lines(dir_ / "requests.csv")[2].rfind("run-2,", 0), 0u);
}

// A summary.csv of other columns used to be found only when the first run was appended, after
// it had been measured; it is refused when the folder is opened, and nothing is added to it.
TEST_F(ResultFolderTest, ForeignSummaryColumnsAreRefusedAtOpenLeavingTheFolderAsItWas) {
  std::ofstream(dir_ / "summary.csv") << "a,b\n1,2\n";
  EXPECT_THROW(ResultFolder(dir_.string()), UsageError);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

// Two runs appending to one folder at once would claim ids and interleave rows.
TEST_F(ResultFolderTest, OneWriterAtATime) {
  std::optional<ResultFolder> first(std::in_place, dir_.string());
  try {
    ResultFolder second(dir_.string());
    ADD_FAILURE() << "a second writer was let in";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(::getpid())), std::string::npos)
        << e.what();
  }
  first.reset();
  EXPECT_NO_THROW(ResultFolder(dir_.string()));  // released with the first
}

TEST_F(ResultFolderTest, AppendingTwoRunsAddsRowsAndLeavesNoTemporaries) {
  ResultFolder folder(dir_.string());
  RunSummary s =
      summarize(with_policy(RunSpec{}, "fixed:2"), small_trace(), account(0.7, 10.0), {});
  s.run_id = folder.claim_run_id();
  EXPECT_EQ(s.run_id, "run-1");
  std::vector<PowerSample> samples = {{milliseconds(1), 12.5f, 0}};
  folder.append(s, small_trace(), samples, {"cpu"});
  s.run_id = folder.claim_run_id();
  EXPECT_EQ(s.run_id, "run-2");
  folder.append(s, small_trace(), samples, {"cpu"});

  const auto summary = lines(dir_ / "summary.csv");
  ASSERT_EQ(summary.size(), 3u);
  EXPECT_EQ(summary[0].rfind("Batch Size,Average Power(W),Time(s),Energy(J),Average Wait Time(s),"
                             "Max Wait Time(s),Average Peak Power (W),model,",
                             0),
            0u);
  EXPECT_EQ(lines(dir_ / "requests.csv").size(), 1u + 2 * 4);
  EXPECT_EQ(lines(dir_ / "requests.csv")[1],
            "run-1,0,0.000000000,0.000000000,0,0.010000000,0.015000000");
  EXPECT_EQ(lines(dir_ / "power.csv").size(), 3u);
  std::ifstream json(dir_ / "summary.json");
  const auto doc = nlohmann::json::parse(json);
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc[1]["run_id"], "run-2");
  EXPECT_EQ(doc[0]["settings"]["policy"], "fixed:2");
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST_F(ResultFolderTest, UnwritableFolderIsAUsageError) {
  EXPECT_THROW(ResultFolder("/proc/greenbatch-cannot-be-here"), UsageError);
}

TEST(CsvCell, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_cell("fixed:16"), "fixed:16");
  EXPECT_EQ(csv_cell("fixed:16,timeout=1s"), "\"fixed:16,timeout=1s\"");
  EXPECT_EQ(csv_cell(nullptr), "");
  EXPECT_EQ(csv_cell(0.25), "0.25");
}

}  // namespace
}  // namespace gb
