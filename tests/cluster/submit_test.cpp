// greenbatch slurm submit before and around sbatch: what it refuses with nothing written, what a
// dry run writes, and how a refusal by sbatch is reported. sbatch here is a small script standing
// in for Slurm's answers (the real one: tests/cluster/slurm_e2e_test.py).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "cluster/slurm_submit.h"
#include "common/errors.h"
#include "common/files.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "test_paths.h"
#include "usage_message.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using testing::message_of;

constexpr char kNoop[] =
    "[experiment]\nname = \"sub\"\nrequests = 8\nidle_seconds = 0\n[grid]\nmodels = [\"noop\"]\n"
    "rates = [16, 32]\narrival = [\"paper\"]\npolicies = [\"fixed:4\", \"greedy\"]\n";

class Submit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("submit");
    old_path_ = getenv("PATH") ? getenv("PATH") : "";
    bin_ = dir_ / "bin";
    fs::create_directories(bin_);
    ::setenv("PATH", bin_.c_str(), 1);  // no sbatch unless a test puts one there
    write_file_atomically((dir_ / "e.toml").string(), kNoop);
    o_.experiment_file = (dir_ / "e.toml").string();
    o_.out = (dir_ / "out").string();
    o_.greenbatch = testing::build_dir() + "/greenbatch";
    o_.jobs.shards = 2;
  }
  void TearDown() override {
    ::setenv("PATH", old_path_.c_str(), 1);
    fs::remove_all(dir_);
  }
  // An sbatch that answers each call with the next of `answers` ("OUT|ERR|EXIT").
  void fake_sbatch(const std::vector<std::string>& answers) {
    std::ofstream s(bin_ / "sbatch");
    s << "#!/bin/sh\nPATH=/usr/bin:/bin\nn=$(cat " << (dir_ / "calls").string()
      << " 2>/dev/null || echo 0)\n"
      << "echo $((n + 1)) > " << (dir_ / "calls").string() << "\necho \"$@\" >> "
      << (dir_ / "argv").string() << "\ncase $n in\n";
    for (std::size_t i = 0; i < answers.size(); ++i) s << i << ") " << answers[i] << " ;;\n";
    s << "esac\n";
    s.close();
    fs::permissions(bin_ / "sbatch", fs::perms::owner_all);
  }
  std::string refusal() {
    return message_of([&] { submit_sweep(o_); });
  }
  fs::path dir_, bin_;
  std::string old_path_;
  SlurmSubmitOptions o_;
};

TEST_F(Submit, RefusesBeforeWritingAnything) {
  EXPECT_NE(refusal().find("sbatch is not on PATH"), std::string::npos);
  o_.jobs.shards = 5;
  EXPECT_NE(refusal().find("--shards 5 is more than the 4 configurations"), std::string::npos);
  o_.jobs.shards = 2;
  o_.jobs.time = "8h";
  EXPECT_NE(refusal().find("--time '8h'"), std::string::npos);
  o_.jobs.time = "01:00:00";
  o_.greenbatch = (dir_ / "e.toml").string();
  EXPECT_NE(refusal().find("is not an executable file"), std::string::npos);
  o_.greenbatch = testing::build_dir() + "/greenbatch";
  write_file_atomically(o_.experiment_file, std::string(kNoop) + "bogus = 1\n");
  EXPECT_NE(refusal(), "(accepted)");
  EXPECT_FALSE(fs::exists(o_.out));
}

TEST_F(Submit, RefusesAFolderHoldingAnotherExperiment) {
  fake_sbatch({"echo 1", "echo 2"});
  std::string other = kNoop;
  other.replace(other.find("rates = [16, 32]"), 16, "rates = [8, 32]");
  fs::create_directories(o_.out);
  { ResultStore s(o_.out + "/results.sqlite", parse_experiment(other, "o.toml"), false); }
  EXPECT_NE(refusal().find("of a different experiment file"), std::string::npos);
  EXPECT_FALSE(fs::exists(o_.out + "/slurm"));
  EXPECT_FALSE(fs::exists(dir_ / "calls"));  // sbatch never ran
}

TEST_F(Submit, ADryRunWritesTheScriptsAndSubmitsNothing) {
  o_.dry_run = true;
  const SlurmSubmission r = submit_sweep(o_);
  EXPECT_TRUE(r.array_job.empty());
  EXPECT_EQ(r.configurations, 4u);
  EXPECT_EQ(r.per_shard.size(), 2u);
  EXPECT_EQ(r.per_shard[0] + r.per_shard[1], 4u);
  EXPECT_EQ(read_bounded_file(r.layout.experiment, 1 << 20), kNoop);
  EXPECT_TRUE(fs::exists(r.layout.array_script));
  EXPECT_TRUE(fs::exists(r.layout.merge_script));
  EXPECT_TRUE(fs::is_directory(r.layout.logs));
  EXPECT_FALSE(fs::exists(r.layout.jobs));
  const std::string text = submission_text(r);
  EXPECT_NE(text.find("dry run, nothing submitted"), std::string::npos) << text;
  EXPECT_NE(text.find("sbatch --parsable " + r.layout.array_script), std::string::npos) << text;
}

TEST_F(Submit, SubmitsTheArrayThenTheMergeAfterItAndRecordsBoth) {
  fake_sbatch({"echo '4242;cluster'", "echo 4243"});
  const SlurmSubmission r = submit_sweep(o_);
  EXPECT_EQ(r.array_job, "4242");
  EXPECT_EQ(r.merge_job, "4243");
  const std::string argv = read_bounded_file((dir_ / "argv").string(), 1 << 20);
  EXPECT_EQ(argv, "--parsable " + r.layout.array_script +
                      "\n--parsable --dependency=afterok:4242 --kill-on-invalid-dep=yes " +
                      r.layout.merge_script + "\n");
  const SubmittedJobs j = read_submitted_jobs(r.layout.jobs);
  EXPECT_EQ(j.array_job, "4242");
  EXPECT_EQ(j.merge_job, "4243");
  EXPECT_EQ(j.shards, 2u);
}

TEST_F(Submit, SbatchsRefusalIsQuotedAndAHalfSubmissionSaysHowToFinishIt) {
  fake_sbatch(
      {"echo 'sbatch: error: Invalid account or account/partition combination' >&2; exit 1"});
  try {
    submit_sweep(o_);
    ADD_FAILURE() << "accepted a refusal";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("sbatch refused the array job (exit 1): sbatch: error: "
                                         "Invalid account"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing was submitted"), std::string::npos);
  }
  fs::remove(dir_ / "calls");
  fake_sbatch({"echo 77", "echo 'sbatch: error: QOSMaxSubmitJobPerUserLimit' >&2; exit 1"});
  try {
    submit_sweep(o_);
    ADD_FAILURE() << "accepted a refusal of the merge";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("array job 77 was submitted: submit the merge with: "),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("--dependency=afterok:77"), std::string::npos);
  }
  EXPECT_EQ(read_submitted_jobs(o_.out + "/slurm/jobs.json").array_job, "77");
  fs::remove(dir_ / "calls");
  fake_sbatch({"echo 'Submitted batch job 5'"});
  EXPECT_THROW(submit_sweep(o_), RunError);  // not --parsable's answer: no id is guessed
}

}  // namespace
}  // namespace gb
