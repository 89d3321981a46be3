// profile, simulate and validate through the binary, with the no-op model (fast, deterministic),
// plus the bad inputs of each; and the shipped CPU profiles simulating the paper's sweep.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_runner.h"
#include "profile/profile.h"
#include "results/result_store.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

using Result = gb::testing::CommandResult;
using gb::testing::greenbatch;

class SimCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = gb::testing::scratch_dir("sim-cli");
    std::ofstream(dir_ / "tiny.toml") << R"(
[experiment]
name = "tiny"
requests = 200
warmup_batches = 0
idle_seconds = 0.2
seed = 2
[grid]
models = ["noop"]
rates = [400]
arrival = ["poisson"]
policies = ["fixed:4", "greedy", "slo:50ms"]
)";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(SimCli, ProfileSimulateReportAndValidate) {
  const Result prof = greenbatch(
      "profile --model noop --batch-sizes 1,4,16 --window 20ms "
      "--windows 2 --settle 10ms --idle-seconds 0.2 --out " +
      path("noop.json"));
  ASSERT_EQ(prof.code, 0) << prof.output;
  const gb::ServiceProfile p = gb::ServiceProfile::load(path("noop.json"));
  EXPECT_EQ(p.model, "noop");
  ASSERT_EQ(p.batches.size(), 3u);
  EXPECT_EQ(p.batches[2].size, 16u);
  EXPECT_EQ(p.batches[0].windows, 2u);
  EXPECT_GE(p.batches[0].isolated_batches, 3u);  // --min-batches, spread over the rounds
  EXPECT_GE(p.batches[0].service_short_gap_s.size(), 3u);
  EXPECT_DOUBLE_EQ(p.short_gap_s, 0.005);
  EXPECT_GE(p.batches[0].batches, 2u);
  EXPECT_FALSE(p.batches[0].service_s.empty());
  EXPECT_EQ(p.energy_method, "estimate");

  const Result sim = greenbatch("simulate " + path("tiny.toml") + " -p " + path("noop.json") +
                                " --out " + path("sim"));
  ASSERT_EQ(sim.code, 0) << sim.output;
  EXPECT_NE(sim.output.find("simulated 3 configurations"), std::string::npos) << sim.output;
  gb::ResultStore store(path("sim/results.sqlite"));
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 3u);
  for (const auto& r : runs) {
    EXPECT_EQ(r.summary["simulated"], true);
    EXPECT_EQ(r.summary["energy_method"], "estimate");
  }
  // Simulating again replaces, never duplicates.
  ASSERT_EQ(greenbatch("simulate " + path("tiny.toml") + " -p " + path("noop.json") + " --out " +
                       path("sim"))
                .code,
            0);
  EXPECT_EQ(gb::ResultStore(path("sim/results.sqlite")).runs().size(), 3u);

  const Result report = greenbatch("report " + path("sim") + " --slo 1s");
  ASSERT_EQ(report.code, 0) << report.output;
  std::ifstream html(path("sim/report/report.html"));
  std::stringstream page;
  page << html.rdbuf();
  EXPECT_NE(page.str().find("Simulated configurations"), std::string::npos);

  // Two real runs of each configuration, in rounds, scored as one row per configuration.
  const Result val = greenbatch("validate " + path("tiny.toml") + " -p " + path("noop.json") +
                                " -r 2 --csv " + path("runs.csv"));
  ASSERT_EQ(val.code, 0) << val.output;
  EXPECT_NE(val.output.find("worst |error|"), std::string::npos) << val.output;
  EXPECT_NE(val.output.find("slo:50ms"), std::string::npos) << val.output;
  EXPECT_NE(val.output.find("speed"), std::string::npos) << val.output;
  EXPECT_NE(val.output.find("2 real runs per configuration"), std::string::npos) << val.output;
  EXPECT_NE(val.output.find("spread (max)"), std::string::npos) << val.output;
  EXPECT_NE(val.output.find("real runs' own spread"), std::string::npos) << val.output;
  // Rounds: the last configuration's first run comes before the first configuration's second.
  const std::size_t last_first = val.output.find("slo:50ms poisson 400/s, rep 1/2");
  const std::size_t first_second = val.output.find("fixed:4 poisson 400/s, rep 2/2");
  ASSERT_NE(last_first, std::string::npos) << val.output;
  ASSERT_NE(first_second, std::string::npos) << val.output;
  EXPECT_LT(last_first, first_second) << val.output;
  std::istringstream lines(val.output);
  std::size_t rows = 0;
  for (std::string line; std::getline(lines, line);) {
    rows += line.rfind(" noop ", 0) == 0 && line.find(" %") != std::string::npos;
  }
  EXPECT_EQ(rows, 3u) << val.output;
  // The CSV holds every run: a header and 3 configurations x 2 repetitions.
  std::ifstream csv(path("runs.csv"));
  std::vector<std::string> csv_lines;
  for (std::string line; std::getline(csv, line);) csv_lines.push_back(line);
  ASSERT_EQ(csv_lines.size(), 7u);
  EXPECT_EQ(csv_lines[0].rfind("model,arrival,rate_hz,policy,repetition,seed,speed,", 0), 0u);
  EXPECT_EQ(csv_lines[4].rfind("noop,poisson,400,fixed:4,1,3,", 0), 0u) << csv_lines[4];

  const Result adjusted = greenbatch("validate " + path("tiny.toml") + " -p " + path("noop.json") +
                                     " --adjust-speed --draws 3 --repetitions 1");
  ASSERT_EQ(adjusted.code, 0) << adjusted.output;
  EXPECT_NE(adjusted.output.find("scaled by each run's speed"), std::string::npos)
      << adjusted.output;
  EXPECT_NE(adjusted.output.find("1 real run per configuration"), std::string::npos)
      << adjusted.output;
  EXPECT_EQ(adjusted.output.find("real runs' own spread"), std::string::npos) << adjusted.output;
}

TEST_F(SimCli, BadInputIsOneLineExitTwo) {
  ASSERT_EQ(greenbatch("profile --model noop --batch-sizes 1 --window 10ms --windows 1 "
                       "--settle 0s --idle-seconds 0.1 --out " +
                       path("noop.json"))
                .code,
            0);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"simulate " + path("tiny.toml") + " --out " + path("o"), "--profile"},
      {"simulate " + path("tiny.toml") + " -p " + path("absent.json") + " --out " + path("o"),
       "cannot be read"},
      {"simulate " + path("tiny.toml") + " -p " + path("tiny.toml") + " --out " + path("o"),
       "not valid JSON"},
      {"profile --model noop --batch-sizes 4,2 --out " + path("p.json"), "must increase"},
      {"profile --model noop --idle-seconds 0 --out " + path("p.json"), "idle"},
      {"profile --model noop --settle 1 --out " + path("p.json"), "duration '1' needs a unit"},
      {"profile --model noop --short-gap 60ms --out " + path("p.json"), "--short-gap"},
      {"validate " + path("tiny.toml") + " -p " + path("noop.json") + " -r 0", "--repetitions"},
      {"validate " + path("tiny.toml") + " -p " + path("noop.json") + " --csv " +
           path("absent/runs.csv"),
       "does not exist"},
      {"validate " + path("tiny.toml") + " -p " + path("noop.json") + " --csv " + dir_.string(),
       "is a folder"},
      {"profile --model nosuchmodel --out " + path("p.json"), "nosuchmodel"},
      {"run --model noop --rate 100 --requests 10 --policy slo:1s --out " + path("o"),
       "needs the model's batch costs"},
      {"run --model noop --rate 100 --requests 10 --policy slo:1s --profile " + path("noop.json") +
           " --arrival bursty:on=5 --out " + path("o"),
       "both on and off"},
  };
  for (const auto& [args, expect] : cases) {
    const Result r = greenbatch(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(expect), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << "\n" << r.output;
    EXPECT_FALSE(fs::exists(path("o"))) << args;
  }
}

TEST_F(SimCli, ShippedProfilesSimulateThePapersSweep) {
  std::string args =
      "simulate " + gb::testing::source_dir() + "/configs/paper.toml --out " + path("paper");
  for (const char* m :
       {"alexnet", "densenet121", "shufflenet_v2_x0_5", "vit_b_16", "convnext_base"}) {
    args += " -p " + gb::testing::source_dir() + "/configs/profiles/cpu-epyc-2vcpu/" + m + ".json";
  }
  const Result r = greenbatch(args);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("simulated 100 configurations (819200 requests)"), std::string::npos)
      << r.output;
  // paper.toml names cuda, the shipped profiles were measured on the CPU: the predictions are
  // labelled with the profile's device, and the terminal says the conditions differ.
  EXPECT_NE(r.output.find("warning: profile of 'alexnet' was made with device cpu, the "
                          "experiment names cuda"),
            std::string::npos)
      << r.output;
  ASSERT_EQ(greenbatch("export " + path("paper") + " --csv " + path("paper.csv")).code, 0);
  std::ifstream csv(path("paper.csv"));
  std::string header, first;
  std::getline(csv, header);
  std::getline(csv, first);
  EXPECT_NE(first.find(",alexnet,cpu,paper,"), std::string::npos) << first;
}

}  // namespace
