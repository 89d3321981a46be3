// The greenbatch binary end to end: bad input gives exit code 2, a one-line error naming the
// problem, and writes nothing; good input writes complete results.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "command_runner.h"
#include "models/model_info.h"
#include "profile/profile_fixture.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

using Result = gb::testing::CommandResult;
using gb::testing::greenbatch;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = gb::testing::scratch_dir("cli");
    out_ = (dir_ / "out").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs a `run` that must fail: exit 2, one line that contains `expect`, no output folder.
  void expect_usage_error(const std::string& args, const std::string& expect) {
    const Result r =
        greenbatch("run --idle-seconds 0 --warmup-batches 0 --out " + out_ + " " + args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(expect), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << "\n" << r.output;
    EXPECT_FALSE(fs::exists(out_)) << args << " wrote " << out_;
  }
  fs::path dir_;
  std::string out_;
};

TEST_F(Cli, BadInputIsOneLineExitTwoNothingWritten) {
  fs::create_directories(dir_ / "empty");
  fs::create_directories(dir_ / "corrupt");
  std::ofstream(dir_ / "corrupt" / "a.jpg") << "not really a jpeg";
  const std::string images = " --images ";
  expect_usage_error("--model lenet", "unknown model 'lenet'");
  expect_usage_error("--model missing.pt", "model file 'missing.pt' does not exist");
  expect_usage_error(images + (dir_ / "nope").string(), "cannot be read");
  expect_usage_error(images + (dir_ / "empty").string(), "has no JPEG or PNG files");
  expect_usage_error(images + (dir_ / "corrupt").string(), "corrupt image");
  expect_usage_error("--rate 0", "rate must be > 0");
  expect_usage_error("--rate -3", "rate must be > 0");
  expect_usage_error("--requests 0", "--requests: '0' is out of range (1 to 100000000)");
  expect_usage_error("--requests -5", "--requests: '-5' is out of range (1 to 100000000)");
  expect_usage_error("--policy fixed:0", "policy 'fixed:0'");
  expect_usage_error("--policy fixed:abc", "policy 'fixed:abc'");
  expect_usage_error("--policy fixed:8,timeout=-1ms", "timeout must not be negative");
  expect_usage_error("--arrival sometimes", "unknown arrival process 'sometimes'");
  expect_usage_error("--device cuda", "device 'cuda' requested");
  expect_usage_error("--meter psychic", "unknown meter 'psychic'");
  expect_usage_error("--bogus-flag", "bogus-flag");
}

TEST_F(Cli, UnwritableOutputFolderIsAUsageError) {
  const Result r = greenbatch("run --model noop --out /proc/greenbatch-out --idle-seconds 0");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("output folder '/proc/greenbatch-out' cannot be"), std::string::npos)
      << r.output;
}

TEST_F(Cli, NoopRunsAppendRowsToTheSummary) {
  for (int i = 0; i < 2; ++i) {
    const Result r = greenbatch(
        "run --model noop --arrival offline --requests 1000 --policy greedy:64 "
        "--idle-seconds 0 --out " +
        out_);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("greedy:64"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("estimate"), std::string::npos) << r.output;
  }
  std::ifstream in(fs::path(out_) / "summary.csv");
  int lines = 0;
  for (std::string l; std::getline(in, l);) ++lines;
  EXPECT_EQ(lines, 3);
  for (const char* f : {"summary.json", "requests.csv", "power.csv"}) {
    EXPECT_TRUE(fs::exists(fs::path(out_) / f)) << f;
  }
}

TEST_F(Cli, RealModelOnAnImageFolderWithSeveralPolicies) {
  const Result r = greenbatch(
      "run --model shufflenet_v2_x0_5 --rate 200 --policy fixed:4 --policy "
      "\"fixed:8,timeout=20ms\" --policy triton:max=8,delay=10ms --policy "
      "torchserve:batch=8,delay=10ms --requests 24 --warmup-batches 1 --idle-seconds 0.2 --out " +
      out_);
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* p : {"fixed:4", "fixed:8,timeout=20ms", "triton:max=8,delay=10ms",
                        "torchserve:batch=8,delay=10ms", "dynamic/img"}) {
    EXPECT_NE(r.output.find(p), std::string::npos) << p << "\n" << r.output;
  }
}

TEST_F(Cli, ModelsAndDevicesExplainThemselves) {
  Result r = greenbatch("models");
  ASSERT_EQ(r.code, 0) << r.output;
  // Parameters in millions, as torchvision counts them (alexnet 61100840, shufflenet 1366792).
  EXPECT_NE(r.output.find("parameters (M)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" 61.10 "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" 1.37 "), std::string::npos) << r.output;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
  EXPECT_NE(greenbatch("models --wide").output.find("Convolutional Neural Networks"),
            std::string::npos);
  r = greenbatch("devices --powercap-root " + (dir_ / "no-powercap").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("no RAPL zones"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("libnvidia-ml.so.1"), std::string::npos) << r.output;
}

namespace sweep {

const char* kExperiment = R"(
[experiment]
name = "cli-sweep"
requests = 150
warmup_batches = 0
idle_seconds = 0
[grid]
models = ["noop"]
rates = [200, 300]
arrival = ["constant"]
policies = ["fixed:4", "greedy:8", "fixed:8,timeout=5ms"]
)";

std::size_t completed(const std::string& db) {
  if (!fs::exists(db)) return 0;
  try {
    return gb::ResultStore(db).completed().size();
  } catch (const std::exception&) {
    return 0;  // being created
  }
}

// Ctrl-C during a run says what was saved and exits 130 (it exited without a word).
TEST_F(Cli, AnInterruptedRunSaysWhatWasSaved) {
  const std::string err = (dir_ / "err.txt").string();
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string bin = gb::testing::build_dir() + "/greenbatch";
    if (!std::freopen(err.c_str(), "w", stderr)) _exit(126);
    execl(bin.c_str(), bin.c_str(), "run", "--model", "noop", "--requests", "100000", "--rate",
          "100", "--idle-seconds", "0", "--out", out_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Interrupt once the run has started measuring (its output folder exists).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(out_) && std::chrono::steady_clock::now() < deadline) usleep(20000);
  usleep(200000);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::ifstream in(err);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("greenbatch: interrupted; finished runs are in " + out_ + "/"),
            std::string::npos)
      << text;
}

class Sweep : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    file_ = (dir_ / "exp.toml").string();
    std::ofstream(file_) << kExperiment;
  }
  std::string file_;
};

TEST_F(Sweep, SigkillMidwayThenRerunGivesEveryConfigurationExactlyOnce) {
  const std::string db = out_ + "/results.sqlite";
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string bin = gb::testing::build_dir() + "/greenbatch";
    execl(bin.c_str(), bin.c_str(), "sweep", file_.c_str(), "--out", out_.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill once some, but not all, configurations are stored (each takes ~0.5-0.75 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (completed(db) < 2 && std::chrono::steady_clock::now() < deadline) {
    usleep(20000);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::size_t before = completed(db);
  ASSERT_GE(before, 2u);
  ASSERT_LT(before, 6u) << "the sweep finished before it could be killed";

  const Result r = greenbatch("sweep " + file_ + " --out " + out_);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(std::to_string(before) + " already done"), std::string::npos) << r.output;
  gb::ResultStore store(db);
  EXPECT_EQ(store.completed().size(), 6u);
  EXPECT_EQ(store.runs().size(), 6u);

  // Export: one row per configuration, the paper's columns first.
  const Result e = greenbatch("export " + out_ + " --csv " + (dir_ / "q.csv").string());
  ASSERT_EQ(e.code, 0) << e.output;
  std::ifstream csv(dir_ / "q.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("Batch Size,Average Power(W),Time(s),Energy(J),Average Wait Time(s),"
                         "Max Wait Time(s),Average Peak Power (W),",
                         0),
            0u)
      << header;
  int rows = 0;
  for (std::string l; std::getline(csv, l);) ++rows;
  EXPECT_EQ(rows, 6);
}

TEST_F(Sweep, DryRunPrintsThePlanAndWritesNothing) {
  const Result plan = greenbatch("sweep " + file_ + " --out " + out_ + " --dry-run");
  ASSERT_EQ(plan.code, 0) << plan.output;
  EXPECT_NE(plan.output.find("(dry run): 6 configurations x 1 repetition = 6 runs; 0 already "
                             "done, 6 to run"),
            std::string::npos)
      << plan.output;
  EXPECT_NE(plan.output.find("nothing was run or written"), std::string::npos) << plan.output;
  EXPECT_FALSE(fs::exists(out_));
  ASSERT_EQ(greenbatch("sweep " + file_ + " --out " + out_ + " --shard 0/2").code, 0);
  const std::size_t stored = gb::ResultStore(out_ + "/results-shard-0-of-2.sqlite").runs().size();
  const Result resumed = greenbatch("sweep " + file_ + " --out " + out_ + " --shard 0/2 --dry-run");
  EXPECT_NE(resumed.output.find(std::to_string(stored) + " already done, 0 to run"),
            std::string::npos)
      << resumed.output;
}

TEST_F(Sweep, ShowsEachResultWithAnEtaThenTheTable) {
  const Result r = greenbatch("sweep " + file_ + " --out " + out_);
  ASSERT_EQ(r.code, 0) << r.output;
  // The plan first, then per run its label, its result in one line and the ETA of the rest.
  EXPECT_NE(r.output.find("sweep 'cli-sweep': 6 configurations x 1 repetition = 6 runs; 0 already "
                          "done, 6 to run (900 requests)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("  [1/6] noop fixed:4 constant 200/s: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/img, p99 "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(", ETA "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  [6/6] noop fixed:8,timeout=5ms constant 300/s: "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(" model  rate (Hz)  policy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("all runs: greenbatch report " + out_), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\r'), std::string::npos) << "a log holds no redrawn line";
}

TEST_F(Sweep, DryRunPredictsTheTimeFromAProfile) {
  // 10 ms + 5 ms per image: fixed:4 serves at most 133/s, so at 200/s and 300/s those runs are
  // overloaded and last longer than their arrivals.
  const std::string profile = (dir_ / "noop.json").string();
  gb::testing::linear_profile("noop").save(profile);
  const Result plan = greenbatch("sweep " + file_ + " --out " + out_ + " --dry-run -p " + profile);
  ASSERT_EQ(plan.code, 0) << plan.output;
  EXPECT_NE(plan.output.find("by the profiles (6 of 6 runs predicted, "), std::string::npos)
      << plan.output;
  EXPECT_EQ(plan.output.find(" 0 of them overloaded"), std::string::npos) << plan.output;
  const Result json =
      greenbatch("sweep " + file_ + " --out " + out_ + " --dry-run --json -p " + profile);
  EXPECT_NE(json.output.find("\"predicted_runs\": 6"), std::string::npos) << json.output;
}

TEST_F(Sweep, ThreeShardsMergeIntoTheWholeSweep) {
  for (int i = 0; i < 3; ++i) {
    const Result r =
        greenbatch("sweep " + file_ + " --out " + out_ + " --shard " + std::to_string(i) + "/3");
    ASSERT_EQ(r.code, 0) << r.output;
  }
  const std::string merged = (dir_ / "merged").string();
  const Result m = greenbatch("merge " + merged + " " + out_);
  ASSERT_EQ(m.code, 0) << m.output;
  EXPECT_EQ(gb::ResultStore(merged + "/results.sqlite").completed().size(), 6u);
}

TEST_F(Sweep, ChangedExperimentFileAndUnconfirmedFreshAreRefused) {
  ASSERT_EQ(greenbatch("sweep " + file_ + " --out " + out_ + " --shard 0/6").code, 0);
  // A comment is no change of the experiment; a changed setting is, and is named.
  std::ofstream(file_, std::ios::app) << "# edited\n";
  Result r = greenbatch("sweep " + file_ + " --out " + out_ + " --shard 0/6");
  EXPECT_EQ(r.code, 0) << r.output;
  std::stringstream text;
  text << std::ifstream(file_).rdbuf();
  std::ofstream(file_) << std::regex_replace(text.str(), std::regex("requests = 150"),
                                             "requests = 151");
  r = greenbatch("sweep " + file_ + " --out " + out_ + " --shard 0/6");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("different experiment file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("experiment.requests"), std::string::npos) << r.output;
  r = greenbatch("sweep " + file_ + " --out " + out_ + " --fresh");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--yes"), std::string::npos) << r.output;
}

TEST_F(Sweep, ShippedConfigsParse) {
  for (const char* f : {"quick.toml", "paper.toml", "levers.toml"}) {
    const auto e = gb::load_experiment(gb::testing::source_dir() + "/configs/" + f);
    EXPECT_FALSE(gb::expand(e).empty()) << f;
  }
  const auto paper = gb::load_experiment(gb::testing::source_dir() + "/configs/paper.toml");
  EXPECT_EQ(gb::expand(paper).size(), 100u);
  const auto levers = gb::load_experiment(gb::testing::source_dir() + "/configs/levers.toml");
  EXPECT_EQ(gb::expand(levers).size(), 3u * 2 * 2);  // policies x engines x precisions
}

}  // namespace sweep
}  // namespace

namespace {

// Every column of a real run's files is documented in docs/results.md, so the docs and the files
// cannot drift apart unnoticed (the README once named requests.csv's columns without their _s).
TEST_F(Cli, ResultColumnsOfARealRunAreDocumented) {
  const Result r =
      greenbatch("run --model noop --requests 64 --rate 1000 --idle-seconds 0 --out " + out_);
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream doc(gb::testing::source_dir() + "/docs/results.md");
  const std::string docs((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  for (const char* file : {"summary.csv", "requests.csv", "power.csv"}) {
    std::ifstream in(fs::path(out_) / file);
    std::string header;
    ASSERT_TRUE(std::getline(in, header)) << file;
    std::stringstream columns(header);
    for (std::string column; std::getline(columns, column, ',');) {
      EXPECT_NE(docs.find("`" + column + "`"), std::string::npos) << file << ": " << column;
    }
  }
}

}  // namespace

namespace {

// --json for scripts: the same facts as the tables, as JSON that parses.
TEST_F(Cli, ModelsAndDevicesSpeakJson) {
  const Result models = greenbatch("models --json");
  ASSERT_EQ(models.code, 0) << models.output;
  const auto m = nlohmann::json::parse(models.output);
  ASSERT_TRUE(m.is_array());
  EXPECT_EQ(m.size(), gb::builtin_models().size());
  EXPECT_EQ(m[0]["name"], gb::builtin_models()[0].name);
  const Result devices = greenbatch("devices --json");
  ASSERT_EQ(devices.code, 0) << devices.output;
  const auto d = nlohmann::json::parse(devices.output);
  EXPECT_EQ(d["devices"][0]["device"], "cpu");
  EXPECT_TRUE(d["meters"].is_array());
  EXPECT_FALSE(d["meters"].empty());
}

}  // namespace

namespace {

TEST_F(Cli, RunAndTheSweepPlanSpeakJson) {
  // stdout alone: the progress lines go to stderr.
  const std::string bin = gb::testing::build_dir() + "/greenbatch ";
  const Result run = gb::testing::run_shell(
      bin + "run --model noop --requests 32 --rate 1000 --idle-seconds 0 --json --out " + out_,
      false);
  ASSERT_EQ(run.code, 0) << run.output;
  const auto runs = nlohmann::json::parse(run.output);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["policy"], "fixed:16");
  EXPECT_EQ(runs[0]["requests"], 32);
  const std::string file = (dir_ / "plan.toml").string();
  std::ofstream(file) << "[experiment]\nname = \"p\"\nrequests = 8\n[grid]\nmodels = [\"noop\"]\n"
                         "rates = [10, 20]\narrivals = [\"constant\"]\npolicies = [\"greedy\"]\n";
  const Result plan = gb::testing::run_shell(
      bin + "sweep " + file + " --out " + out_ + "/s --dry-run --json", false);
  ASSERT_EQ(plan.code, 0) << plan.output;
  const auto p = nlohmann::json::parse(plan.output);
  EXPECT_EQ(p["configurations"], 2);
  EXPECT_EQ(p["to_run"], 2);
  EXPECT_EQ(p["runs_per_model"][0]["model"], "noop");
}

}  // namespace
