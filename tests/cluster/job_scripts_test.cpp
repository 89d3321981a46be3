// The job scripts: their #SBATCH lines, the options refused before any is written, and the
// scripts run by bash as Slurm would run them (no Slurm here: tests/cluster/slurm_e2e_test.py
// has it) for a sweep folder whose name holds every character a shell could misread.
#include "cluster/job_scripts.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cluster/process.h"
#include "common/files.h"
#include "results/result_store.h"
#include "test_paths.h"
#include "usage_message.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::message_of;

JobSettings settings() {
  JobSettings s;
  s.name = "quick";
  s.shards = 3;
  s.greenbatch = "/opt/gb/greenbatch";
  s.workdir = "/home/me";
  return s;
}

std::string refusal(JobSettings s) {
  return message_of([&] { check_job_settings(s); });
}

TEST(JobSettings, AcceptsSlurmsTimeFormsAndRefusesOthers) {
  for (const char* t : {"90", "30:00", "08:00:00", "2-12", "2-12:30", "2-12:30:00"}) {
    JobSettings s = settings();
    s.time = t;
    EXPECT_EQ(refusal(s), "(accepted)") << t;
  }
  for (const char* t : {"8h", "", "1:2:3:4", "-5", "08:00:00\n#SBATCH --x", "1d"}) {
    JobSettings s = settings();
    s.time = t;
    EXPECT_NE(refusal(s).find("is not a Slurm time limit"), std::string::npos) << t;
  }
  JobSettings s = settings();
  s.merge_time = "soon";
  EXPECT_NE(refusal(s).find("--merge-time 'soon'"), std::string::npos);
}

TEST(JobSettings, RefusesWhatWouldBreakAScriptOrWhatGreenbatchSetsItself) {
  JobSettings s = settings();
  s.throttle = 4;
  EXPECT_NE(refusal(s).find("--throttle 4 is more than the 3 shards"), std::string::npos);
  s = settings();
  s.partition = "gpu a100";
  EXPECT_NE(refusal(s).find("--partition 'gpu a100' holds a space"), std::string::npos);
  s = settings();
  s.constraint = "a100\n#SBATCH --x";
  EXPECT_NE(refusal(s).find("--constraint holds a control character"), std::string::npos);
  for (const char* own : {"--array=0-9", "--arr=1", "-a1", "--dependency=afterok:1", "-dx",
                          "--output=x", "--error=y", "-o", "--parsable", "--wrap=ls"}) {
    s = settings();
    s.sbatch_args = {own};
    EXPECT_NE(refusal(s).find("greenbatch sets"), std::string::npos) << own;
  }
  for (const char* odd : {"account=X", "-A X", "--account X", "", "-", "--"}) {
    s = settings();
    s.sbatch_args = {odd};
    EXPECT_NE(refusal(s).find("is not one sbatch option"), std::string::npos) << odd;
  }
  s = settings();
  s.sbatch_args = {"--comment=a\nb"};
  EXPECT_NE(refusal(s).find("holds a control character"), std::string::npos);
  s = settings();
  s.sbatch_args = {"--account=X", "-Aproj",      "--qos=long",
                   "--mem=16G",   "--exclusive", "--comment=a b \"c\" #d"};
  EXPECT_EQ(refusal(s), "(accepted)");
}

TEST(JobName, KeepsOnlyWhatSlurmShowsPlainly) {
  EXPECT_EQ(job_name("paper"), "gb-paper");
  EXPECT_EQ(job_name("my sweep: v2/\"x\"\n"), "gb-mysweepv2x");
  EXPECT_EQ(job_name(std::string(100, 'a')).size(), 43u);
}

TEST(JobScripts, DirectivesComeFirstAndSayWhatWasAsked) {
  JobSettings s = settings();
  s.throttle = 2;
  s.partition = "gpu";
  s.gres = "gpu:1";
  s.constraint = "a100";
  s.exclusive = true;
  s.sbatch_args = {"--account=proj 42"};
  s.profiles = {"/p/alexnet.json"};
  const SlurmLayout layout("/shared/paper");
  const std::string array = array_script(s, layout);
  for (const char* line :
       {"#SBATCH --array=\"0-2%2\"\n", "#SBATCH --requeue\n", "#SBATCH --output=/dev/null\n",
        "#SBATCH --time=\"08:00:00\"\n", "#SBATCH --gres=\"gpu:1\"\n",
        "#SBATCH --constraint=\"a100\"\n", "#SBATCH --exclusive\n", "#SBATCH --partition=\"gpu\"\n",
        "#SBATCH \"--account=proj 42\"\n", "#SBATCH --job-name=\"gb-quick\"\n",
        "exec /opt/gb/greenbatch sweep /shared/paper/slurm/experiment.toml --out /shared/paper "
        "--shard \"${SLURM_ARRAY_TASK_ID}/3\" --wait --profile /p/alexnet.json\n"}) {
    EXPECT_NE(array.find(line), std::string::npos) << line << "\n" << array;
  }
  const std::string merge = merge_script(s, layout);
  EXPECT_NE(merge.find("#SBATCH --time=\"00:30:00\"\n"), std::string::npos);
  EXPECT_NE(merge.find("#SBATCH \"--account=proj 42\"\n"), std::string::npos);
  EXPECT_EQ(merge.find("--gres"), std::string::npos);  // the merge needs no GPU
  EXPECT_NE(merge.find("/opt/gb/greenbatch merge /shared/paper/merged /shared/paper\n"),
            std::string::npos);
  // sbatch reads directives only up to the first command.
  for (const std::string& script : {array, merge}) {
    std::istringstream in(script);
    bool commands = false;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("#SBATCH", 0) == 0) {
        EXPECT_FALSE(commands) << line;
      }
      if (!line.empty() && line[0] != '#') commands = true;
    }
  }
}

// Both scripts, run by bash with the environment Slurm gives a task, for a folder named with
// spaces, quotes, $, backticks, a backslash and a newline: a real shard and a real merge.
TEST(JobScripts, RunAsSlurmRunsThemForAFolderNamedToBreakAShell) {
  const fs::path scratch = testing::scratch_dir("job-scripts");
  const std::string dir = (scratch / "out 'q' \"d\" $HOME `id` \\ # \n end").string();
  const SlurmLayout layout(dir);
  JobSettings s;
  s.name = "e2e";
  s.shards = 1;
  s.greenbatch = testing::build_dir() + "/greenbatch";
  s.workdir = scratch.string();
  fs::create_directories(layout.logs);
  write_file_atomically(layout.experiment,
                        "[experiment]\nname = \"e2e\"\nrequests = 8\nwarmup_batches = 0\n"
                        "idle_seconds = 0\nmeter = \"estimate\"\n[grid]\nmodels = [\"noop\"]\n"
                        "rates = [500]\narrival = [\"constant\"]\npolicies = [\"fixed:4\", "
                        "\"greedy\"]\n");
  write_file_atomically(layout.array_script, array_script(s, layout));
  write_file_atomically(layout.merge_script, merge_script(s, layout));
  ::setenv("SLURM_ARRAY_TASK_ID", "0", 1);
  const ProgramResult shard = run_program({"/bin/bash", layout.array_script}, 120s);
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ASSERT_EQ(shard.exit_code, 0) << shard.out << shard.err;
  EXPECT_EQ(ResultStore(dir + "/results-shard-0-of-1.sqlite").completed().size(), 2u);
  EXPECT_TRUE(fs::exists(dir + "/results-shard-0-of-1.progress.json"));
  std::ifstream log(layout.logs + "/shard-0.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("greenbatch slurm: shard 0/1"), std::string::npos) << text;
  EXPECT_NE(text.find("complete: 2 runs"), std::string::npos) << text;

  const ProgramResult merge = run_program({"/bin/bash", layout.merge_script}, 120s);
  ASSERT_EQ(merge.exit_code, 0) << merge.out << merge.err;
  EXPECT_EQ(ResultStore(layout.merged + "/results.sqlite").completed().size(), 2u);
  EXPECT_TRUE(fs::exists(layout.merged + "/results.csv"));
  // Nothing landed beside the folder (a misquoted path would have split at a space or newline).
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(scratch)) entries += e.path() != fs::path(dir);
  EXPECT_EQ(entries, 0u);
  fs::remove_all(scratch);
}

}  // namespace
}  // namespace gb
