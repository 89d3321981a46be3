// The Slurm workflow's commands through the binary: a sharded sweep leaves its progress file,
// `slurm submit` and `slurm status` refuse bad input in one line with exit 2 and nothing written,
// and `merge` refuses shards of other hardware unless --allow-mixed-hardware.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cluster/shard_progress.h"
#include "command_runner.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::greenbatch;

constexpr char kNoop[] =
    "[experiment]\nname = \"cli\"\nrequests = 8\nidle_seconds = 0\nwarmup_batches = 0\n"
    "meter = \"estimate\"\n[grid]\nmodels = [\"noop\"]\nrates = [400, 800]\n"
    "arrival = [\"constant\"]\npolicies = [\"fixed:4\", \"greedy\"]\n";

class SlurmCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("slurm-cli");
    file_ = (dir_ / "e.toml").string();
    std::ofstream(file_) << kNoop;
    out_ = (dir_ / "out").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  void expect_refusal(const CommandResult& r, const std::string& expect) {
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find(expect), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(fs::exists(out_)) << "wrote " << out_;
  }
  fs::path dir_;
  std::string file_, out_;
};

TEST_F(SlurmCli, AShardedSweepLeavesACompleteProgressFile) {
  const CommandResult r = greenbatch("sweep " + file_ + " --out " + out_ + " --shard 1/2");
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string store = out_ + "/results-shard-1-of-2.sqlite";
  const ShardProgress p = read_progress(progress_path(store));
  EXPECT_TRUE(p.complete);
  EXPECT_EQ(p.shard, 1u);
  EXPECT_EQ(p.shards, 2u);
  EXPECT_EQ(p.done, ResultStore(store).completed().size());
  EXPECT_EQ(p.total, p.done);
  EXPECT_EQ(p.experiment, "cli");
  // An unsharded sweep has no scheduler to tell: no progress file.
  ASSERT_EQ(greenbatch("sweep " + file_ + " --out " + out_).code, 0);
  EXPECT_FALSE(fs::exists(out_ + "/results.progress.json"));
}

TEST_F(SlurmCli, SubmitAndStatusRefuseBadInputInOneLine) {
  // No sbatch: PATH names an empty folder.
  const std::string no_slurm = "PATH=" + dir_.string();
  expect_refusal(greenbatch("slurm submit " + file_ + " --out " + out_ + " --shards 2", no_slurm),
                 "sbatch is not on PATH");
  expect_refusal(greenbatch("slurm submit " + file_ + " --out " + out_ + " --shards 9 --dry-run"),
                 "--shards 9 is more than the 4 configurations");
  expect_refusal(greenbatch("slurm submit " + file_ + " --out " + out_ +
                            " --shards 2 --dry-run --sbatch-arg=--array=0-3"),
                 "greenbatch sets --array itself");
  expect_refusal(
      greenbatch("slurm submit " + file_ + " --out " + out_ + " --shards 2 --dry-run --time 8h"),
      "--time '8h' is not a Slurm time limit");
  expect_refusal(greenbatch("slurm submit " + (dir_ / "none.toml").string() + " --out " + out_ +
                            " --shards 2 --dry-run"),
                 "none.toml");
  expect_refusal(greenbatch("slurm status " + dir_.string()), "holds no slurm/jobs.json");
  const CommandResult help = greenbatch("slurm submit --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.output.find("Examples:"), std::string::npos) << help.output;
}

TEST_F(SlurmCli, MergeRefusesOtherHardwareUnlessAllowed) {
  const ExperimentFile e = parse_experiment(kNoop, "e.toml");
  const std::vector<Configuration> configs = expand(e);
  fs::create_directories(dir_ / "shards");
  for (std::size_t i = 0; i < 2; ++i) {
    const CommandResult r = greenbatch("sweep " + file_ + " --out " + (dir_ / "shards").string() +
                                       " --shard " + std::to_string(i) + "/2");
    ASSERT_EQ(r.code, 0) << r.output;
  }
  // Shard 1 as if measured on another GPU type: its store's machine is another.
  {
    const std::string store = (dir_ / "shards" / "results-shard-1-of-2.sqlite").string();
    ResultStore writer(store, e, false);
    writer.use_machine({{"hostname", "gpu-node"}, {"cpu", "Other CPU"}, {"gpus", {"NVIDIA V100"}}});
  }
  expect_refusal(greenbatch("merge " + out_ + " " + (dir_ / "shards").string()),
                 "--allow-mixed-hardware merges them anyway");
  const CommandResult ok =
      greenbatch("merge " + out_ + " " + (dir_ / "shards").string() + " --allow-mixed-hardware");
  ASSERT_EQ(ok.code, 0) << ok.output;
  EXPECT_EQ(ResultStore(out_ + "/results.sqlite").completed().size(), configs.size());
}

}  // namespace
}  // namespace gb
