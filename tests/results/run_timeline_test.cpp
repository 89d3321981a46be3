// Reading one run's power samples and batches back for the report's power-over-time figure: from
// a run folder's CSV files (which may come from anyone: bounded, malformed rows skipped) and from
// a sweep store (binned by SQLite).
#include "results/run_timeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/errors.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "store_fakes.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

class TimelineTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("timeline"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(TimelineTest, AFoldersRunIsReadByColumnNameAndOtherRunsAreLeftOut) {
  // Columns in another order than greenbatch writes them; another run's rows in between.
  std::ofstream(dir_ / "power.csv") << "watts,domain,t_s,run_id\n"
                                       "10,cpu,0.0,run-1\n"
                                       "99,cpu,0.5,run-2\n"
                                       "20,cpu,1.0,run-1\n"
                                       "5,dram,0.5,run-1\n";
  std::ofstream(dir_ / "requests.csv") << "run_id,id,scheduled_s,released_s,batch,start_s,end_s\n"
                                          "run-1,0,0,0,0,0.10,0.20\n"
                                          "run-1,1,0,0,0,0.10,0.25\n"
                                          "run-2,0,0,0,0,0.50,0.90\n"
                                          "run-1,2,0,0,1,0.60,0.70\n";
  const RunTimeline t = read_folder_timeline(dir_.string(), "run-1");
  ASSERT_EQ(t.domains.size(), 2u);
  EXPECT_EQ(t.domains[0].domain, "cpu");
  ASSERT_EQ(t.domains[0].samples.size(), 2u);
  EXPECT_DOUBLE_EQ(t.domains[0].samples[0].watts, 10);
  EXPECT_DOUBLE_EQ(t.domains[0].samples[1].t_s, 1.0);
  EXPECT_EQ(t.domains[1].domain, "dram");
  EXPECT_EQ(t.samples, 3u);
  ASSERT_EQ(t.batches.size(), 2u);
  EXPECT_DOUBLE_EQ(t.batches[0].start_s, 0.10);
  EXPECT_DOUBLE_EQ(t.batches[0].end_s, 0.25);
  EXPECT_EQ(t.batches[0].requests, 2u);
  EXPECT_DOUBLE_EQ(t.batches[1].start_s, 0.60);
  EXPECT_FALSE(t.truncated);
  EXPECT_EQ(t.skipped_rows, 0u);
  EXPECT_TRUE(read_folder_timeline(dir_.string(), "run-9").domains.empty());
}

TEST_F(TimelineTest, HostileFolderFilesAreBoundedAndTheirBadRowsSkipped) {
  {
    std::ofstream power(dir_ / "power.csv");
    power << "run_id,t_s,domain,watts\n";
    power << "r," << std::string(100000, '1') << ",cpu,5\n";  // a line longer than any of ours
    power << "r,nan,cpu,5\nr,1,cpu,inf\nr,x,cpu,5\nr,1\n";    // not numbers, a short row
    for (int d = 0; d < 20; ++d) power << "r,0.5,d" << d << std::string(500, 'x') << ",3\n";
    for (int i = 0; i < 20000; ++i)
      power << "r," << i * 1e-3 << ",d0" << std::string(70, 'x') << ",4\n";
    std::ofstream requests(dir_ / "requests.csv");
    requests << "run_id,id,scheduled_s,released_s,batch,start_s,end_s\n";
    requests << "r,0,0,0,1e9,0,1\n";            // a batch index beyond the bound
    requests << "r,0,0,0,1e300,0,1\n";          // and one no run has
    requests << "r,0,0,0,-1,0,1\nr,0,0,0,0\n";  // negative, short
    requests << "r,0,0,0,3,0.5,0.6\n";
  }
  const RunTimeline t = read_folder_timeline(dir_.string(), "r");
  EXPECT_TRUE(t.truncated);                       // 20 domains, a huge batch index
  EXPECT_EQ(t.domains.size(), kTimelineDomains);  // only the first ones
  for (const TimelineDomain& d : t.domains) {
    EXPECT_LE(d.domain.size(), kTimelineNameChars);
    EXPECT_LE(d.samples.size(), kTimelineBins);  // 20000 samples binned
  }
  EXPECT_EQ(t.skipped_rows, 8u);
  ASSERT_EQ(t.batches.size(), 1u);  // batch 3 alone; the empty slots before it are dropped
  EXPECT_DOUBLE_EQ(t.batches[0].start_s, 0.5);
}

TEST_F(TimelineTest, MissingFilesGiveNoRowsAndAFolderInTheirPlaceIsRefused) {
  EXPECT_TRUE(read_folder_timeline(dir_.string(), "run-1").domains.empty());
  fs::create_directories(dir_ / "power.csv");
  EXPECT_THROW(read_folder_timeline(dir_.string(), "run-1"), UsageError);
}

TEST_F(TimelineTest, AStoresConfigurationIsBinnedBySqlite) {
  const ExperimentFile f = parse_experiment(testing::kSmallSweep, "t.toml");
  const auto all = expand(f);
  const std::string path = (dir_ / "results.sqlite").string();
  std::vector<PowerSample> samples;
  for (int i = 0; i < 5000; ++i) {
    samples.push_back({Nanos(i * 1000000LL), static_cast<float>(i % 2 ? 30 : 10), 0});
    samples.push_back({Nanos(i * 1000000LL), 2.f, 1});
  }
  {
    ResultStore store(path, f, false);
    store.save(all[0], testing::fake_summary(all[0], 4), testing::fake_trace(), samples,
               {"cpu", "dram"});
    store.save(all[1], testing::fake_summary(all[1], 4), testing::fake_trace(), {}, {"cpu"});
  }
  const ResultStore store(path);
  const RunTimeline t = store.timeline(all[0].id);
  ASSERT_EQ(t.domains.size(), 2u);
  EXPECT_EQ(t.domains[0].domain, "cpu");
  EXPECT_EQ(t.samples, 10000u);
  EXPECT_LE(t.domains[0].samples.size(), kTimelineBins);
  EXPECT_GT(t.domains[0].samples.size(), kTimelineBins / 2);
  for (const TimelineSample& s : t.domains[0].samples) {
    EXPECT_GE(s.watts, 10);
    EXPECT_LE(s.watts, 30);
  }
  EXPECT_DOUBLE_EQ(t.domains[1].samples.front().watts, 2);
  ASSERT_EQ(t.batches.size(), 1u);  // fake_trace: one batch of two requests
  EXPECT_EQ(t.batches[0].requests, 2u);
  EXPECT_TRUE(store.timeline(all[1].id).domains.empty());
  EXPECT_TRUE(store.timeline("no such id").batches.empty());
}

}  // namespace
}  // namespace gb
