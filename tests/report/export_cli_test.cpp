// greenbatch report --export-configs through the binary, on real small results folders: a noop
// run, a simulated sweep of alexnet with its shipped profile, and a run whose summary names
// hostile models. Bad output folders are in the bad-input corpus (tests/cli/bad-input).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "command_runner.h"
#include "report/report_fixture.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;
using gb::testing::greenbatch;

std::string read(const fs::path& p) { return gb::testing::read_text(p); }
std::set<std::string> files_under(const fs::path& root) {
  return gb::testing::files_under(root, false);
}

class ExportCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = gb::testing::scratch_dir("export-cli"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ExportCli, ANoopRunFolderBecomesServerConfigs) {
  const auto run = greenbatch(
      "run --model noop -r 64 -p fixed:4 -p greedy -p torchserve:batch=4,delay=5ms -n 64 "
      "--warmup-batches 1 --idle-seconds 0 --meter estimate --out " +
      (dir_ / "run").string());
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_NE(run.output.find("torchserve:batch=4,delay=5ms"), std::string::npos) << run.output;
  const fs::path out = dir_ / "deploy";
  const auto r = greenbatch("report " + (dir_ / "run").string() + " --slo 1s --export-configs " +
                            out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("deployment configs: " + (out / "README.md").string()), std::string::npos)
      << r.output;
  const std::string folder = "noop.cpu.paper.64rps";
  EXPECT_EQ(files_under(out),
            (std::set<std::string>{
                "README.md", folder + "/serve.txt", folder + "/torchserve/config.properties",
                folder + "/torchserve/register.txt", folder + "/triton/noop/config.pbtxt"}));
  const std::string readme = read(out / "README.md");
  EXPECT_NE(readme.find("## noop — cpu, paper arrivals at 64/s"), std::string::npos) << readme;
  EXPECT_NE(readme.find("No simulated cost: no profile of noop was given"), std::string::npos)
      << readme;
  const std::string pbtxt = read(out / folder / "triton/noop/config.pbtxt");
  EXPECT_NE(pbtxt.find("name: \"noop\"\nplatform: \"pytorch_libtorch\"\n"), std::string::npos);
  EXPECT_NE(pbtxt.find("noop is greenbatch's no-op model"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "run" / "report" / "report.html"));
}

// A simulated sweep (the results report reads like measured ones) and the model's profile: the
// closest equivalents carry simulated costs, and slo:1s's serve line names the profile.
TEST_F(ExportCli, WithAProfileTheClosestEquivalentsAreSimulated) {
  const std::string profile =
      gb::testing::source_dir() + "/configs/profiles/cpu-epyc-2vcpu/alexnet.json";
  std::ofstream(dir_ / "t.toml") << R"(
[experiment]
name = "t"
requests = 512
seed = 1
[grid]
models = ["alexnet"]
rates = [32]
arrival = ["paper"]
policies = ["greedy", "fixed:8", "slo:1s"]
)";
  const auto sim = greenbatch("simulate " + (dir_ / "t.toml").string() + " -p " + profile +
                              " --out " + (dir_ / "sim").string());
  ASSERT_EQ(sim.code, 0) << sim.output;
  const fs::path out = dir_ / "deploy";
  const auto r = greenbatch("report " + (dir_ / "sim").string() + " --slo 1s --export-configs " +
                            out.string() + " -p " + profile);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("alexnet 32/s: Triton closest ("), std::string::npos) << r.output;
  const std::string readme = read(out / "README.md");
  EXPECT_NE(readme.find("Recommended: `slo:1s`"), std::string::npos) << readme;
  EXPECT_NE(readme.find("Chosen in simulation"), std::string::npos) << readme;
  EXPECT_NE(readme.find("simulated the same way"), std::string::npos) << readme;
  const std::string serve = read(out / "alexnet.cpu.paper.32rps" / "serve.txt");
  EXPECT_NE(serve.find("--policy slo:1s --profile " + profile), std::string::npos) << serve;
}

// Model names from a results folder as a hostile producer could write them: the export names its
// files itself, writes only inside OUT, runs nothing, and adds no line to a server's file.
TEST_F(ExportCli, HostileModelNamesWriteOnlyInsideTheFolder) {
  const auto run = greenbatch(
      "run --model noop -r 64 -p fixed:4 -n 32 --warmup-batches 1 --idle-seconds 0 "
      "--meter estimate --out " +
      (dir_ / "run").string());
  ASSERT_EQ(run.code, 0) << run.output;
  const nlohmann::ordered_json runs =
      nlohmann::ordered_json::parse(read(dir_ / "run" / "summary.json"));
  nlohmann::ordered_json docs = nlohmann::ordered_json::array();
  for (const std::string model :
       {"m`touch PWNED`.pt", "m\nname: \"x\"\n}\ndynamic_batching {\n.pt", "../../x",
        "../../../../../../../../tmp/gb-PWNED", "models/tiny.pt", "'; touch PWNED; '"}) {
    nlohmann::ordered_json doc = runs.at(0);
    doc["model"] = model;
    docs.push_back(doc);
  }
  std::ofstream(dir_ / "run" / "summary.json") << docs.dump(2);
  fs::create_directories(dir_ / "cwd");
  const auto r =
      gb::testing::run_shell("cd " + (dir_ / "cwd").string() + " && " + gb::testing::build_dir() +
                             "/greenbatch report ../run --slo 5s --out rep "
                             "--export-configs out");
  ASSERT_EQ(r.code, 0) << r.output;
  const std::regex ours(
      R"re((README\.md|[A-Za-z0-9_-]+\.cpu\.paper\.64rps(-[0-9])?/(serve\.txt|torchserve/(config\.properties|register\.txt)|triton/[A-Za-z0-9_-]+/config\.pbtxt)))re");
  const std::set<std::string> files = files_under(dir_ / "cwd" / "out");
  EXPECT_EQ(files.size(), 1u + 6 * 4);
  for (const std::string& f : files) {
    EXPECT_TRUE(std::regex_match(f, ours)) << f;
    if (f.size() > 7 && f.compare(f.size() - 7, 7, ".pbtxt") == 0) {
      std::istringstream in(read(dir_ / "cwd" / "out" / f));
      std::size_t blocks = 0;
      for (std::string line; std::getline(in, line);) {
        if (line.rfind("#", 0) == 0) continue;  // a comment may show the name, as text
        EXPECT_EQ(line.find("name: \"x\""), std::string::npos) << f;
        blocks += line == "dynamic_batching {";
      }
      EXPECT_EQ(blocks, 1u) << f;
    }
  }
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    EXPECT_NE(e.path().filename().string(), "PWNED") << e.path();
  }
  EXPECT_FALSE(fs::exists("/tmp/gb-PWNED"));
  EXPECT_FALSE(fs::exists(dir_ / "x.cpu.paper.64rps"));
}

}  // namespace
