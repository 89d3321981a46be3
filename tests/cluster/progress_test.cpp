// A shard's progress file as the sweep keeps it and as `slurm status` reads it (hostile input:
// bounded, range-checked), the jobs file, and squeue's lines applied to a status.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cluster/shard_progress.h"
#include "cluster/slurm_status.h"
#include "cluster/slurm_submit.h"
#include "common/files.h"
#include "results/experiment_file.h"
#include "test_paths.h"
#include "usage_message.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using testing::message_of;

class Progress : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("progress"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) { return (dir_ / name).string(); }
  // read_progress's refusal of a file holding `text`.
  std::string refusal(const std::string& text) {
    write_file_atomically(path("p.json"), text);
    return message_of([&] { read_progress(path("p.json")); });
  }
  fs::path dir_;
};

Configuration noop_config() {
  const ExperimentFile e = parse_experiment(
      "[experiment]\nname = \"t\"\nrequests = 8\nrepetitions = 2\n[grid]\nmodels = [\"noop\"]\n"
      "rates = [32]\narrival = [\"paper\"]\npolicies = [\"fixed:8\"]\n",
      "t.toml");
  return expand(e).back();
}

TEST_F(Progress, NamedBesideTheStore) {
  EXPECT_EQ(progress_path("/d/results-shard-2-of-5.sqlite"),
            "/d/results-shard-2-of-5.progress.json");
}

TEST_F(Progress, FollowsTheCampaignThroughItsCallbacks) {
  const std::string file = path("results-shard-1-of-3.progress.json");
  CampaignOptions options;
  std::size_t earlier = 0;
  options.on_done = [&](const Configuration&, const RunSummary&, double) { ++earlier; };
  ProgressFile progress(file, ShardProgress{"quick", 1, 3, 2, 5}, options);
  ShardProgress p = read_progress(file);
  EXPECT_EQ(p.experiment, "quick");
  EXPECT_EQ(p.shard, 1u);
  EXPECT_EQ(p.shards, 3u);
  EXPECT_EQ(p.done, 2u);
  EXPECT_EQ(p.total, 5u);
  EXPECT_EQ(p.running, "");
  EXPECT_FALSE(p.complete);
  EXPECT_FALSE(p.host.empty());
  EXPECT_EQ(p.pid, static_cast<long>(::getpid()));

  const Configuration c = noop_config();
  options.on_start(1, 3, c);
  EXPECT_EQ(read_progress(file).running, "noop fixed:8 paper 32/s, rep 2");
  options.on_done(c, RunSummary{}, 1.5);
  EXPECT_EQ(earlier, 1u);  // what the options held before still runs
  p = read_progress(file);
  EXPECT_EQ(p.done, 3u);
  EXPECT_EQ(p.running, "");
  progress.finish();
  p = read_progress(file);
  EXPECT_TRUE(p.complete);
  EXPECT_EQ(p.done, 5u);
}

TEST_F(Progress, AHostileFileIsRefusedWithTheReason) {
  const std::string good =
      R"({"format": "greenbatch-progress/1", "experiment": "e", "shard": 0, "shards": 2,
          "done": 1, "total": 2, "running": "", "complete": false, "host": "h", "pid": 7,
          "updated": "2026-01-01T00:00:00Z"})";
  EXPECT_EQ(refusal(good), "(accepted)");
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    t.replace(t.find(from), from.size(), to);
    return refusal(t);
  };
  EXPECT_NE(refusal("not json").find("no \"format\""), std::string::npos);
  EXPECT_NE(refusal(std::string(20000, ' ')).find("larger than the limit"), std::string::npos);
  EXPECT_NE(refusal(std::string(100, '[')).find("nests deeper"), std::string::npos);
  EXPECT_NE(with("\"shard\": 0", "\"shard\": 2").find("not below \"shards\""), std::string::npos);
  EXPECT_NE(with("\"done\": 1", "\"done\": 3").find("\"done\" is more than"), std::string::npos);
  EXPECT_NE(with("\"done\": 1", "\"done\": -1").find("\"done\" is not a whole number"),
            std::string::npos);
  EXPECT_NE(with("\"total\": 2", "\"total\": 1e30").find("\"total\" is not"), std::string::npos);
  EXPECT_NE(with("\"shards\": 2", "\"shards\": 0").find("not below"), std::string::npos);
  EXPECT_NE(with("\"host\": \"h\"", "\"host\": 5").find("\"host\" is not a text"),
            std::string::npos);
  EXPECT_NE(with("\"running\": \"\"", "\"running\": \"" + std::string(2000, 'x') + "\"")
                .find("at most 1024"),
            std::string::npos);
  EXPECT_NE(with("\"complete\": false", "\"complete\": 1").find("\"complete\""), std::string::npos);
  EXPECT_NE(with(", \"pid\": 7", "").find("no \"pid\""), std::string::npos);
}

TEST_F(Progress, TheJobsFileRoundTripsAndRefusesWhatIsNotOne) {
  write_submitted_jobs(path("jobs.json"), {"quick", 4, "123", "124", "2026-01-01T00:00:00Z"});
  const SubmittedJobs j = read_submitted_jobs(path("jobs.json"));
  EXPECT_EQ(j.experiment, "quick");
  EXPECT_EQ(j.shards, 4u);
  EXPECT_EQ(j.array_job, "123");
  EXPECT_EQ(j.merge_job, "124");
  const auto refused = [&](const std::string& text) {
    write_file_atomically(path("bad.json"), text);
    return message_of([&] { read_submitted_jobs(path("bad.json")); });
  };
  const std::string head =
      R"({"format": "greenbatch-slurm/1", "experiment": "e", "submitted": "t", )";
  EXPECT_NE(refused("[]").find("not a greenbatch slurm jobs file"), std::string::npos);
  EXPECT_NE(
      refused(head + R"("shards": 0, "array_job": "1", "merge_job": "2"})").find("\"shards\""),
      std::string::npos);
  EXPECT_NE(refused(head + R"("shards": 2, "array_job": "1; rm -rf /", "merge_job": "2"})")
                .find("not digits"),
            std::string::npos);
  EXPECT_NE(
      refused(head + R"("shards": 2, "array_job": "1x", "merge_job": "2"})").find("not digits"),
      std::string::npos);
  EXPECT_NE(refused(head + R"("shards": 2, "array_job": "", "merge_job": ""})").find("empty"),
            std::string::npos);
}

TEST(ApplySqueue, MapsArrayTasksToShardsAndTheMergeJobAndIgnoresTheRest) {
  SweepStatus st;
  st.jobs.array_job = "12";
  st.jobs.merge_job = "13";
  st.shards.resize(3);
  apply_squeue(
      "12_0|RUNNING|None\n12_2|PENDING|BeginTime\n13|PENDING|Dependency\n12_7|RUNNING|None\n"
      "120_1|RUNNING|None\n12_[1-2]|PENDING|Resources\ngarbage\n12_1|RUN\x1b[2JNING|None\n",
      st);
  EXPECT_EQ(st.shards[0].queue, "RUNNING");
  EXPECT_EQ(st.shards[1].queue, "RUN[2JNING");  // escape sequences removed
  EXPECT_EQ(st.shards[2].queue, "PENDING (BeginTime)");
  EXPECT_EQ(st.merge_queue, "PENDING (Dependency)");
}

}  // namespace
}  // namespace gb
