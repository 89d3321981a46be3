// What greenbatch report reads: the shard stores of one folder, each configuration (by content id)
// once however the stores number it; and a summary.json of a newer format, refused by name.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "command_runner.h"
#include "report/report.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "results/store_fakes.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

class ReportInput : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("report-input"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// kSmallSweep with its models swapped: the same configurations (ids), at other grid indices.
std::string swapped_models() {
  std::string text = testing::kSmallSweep;
  const std::string from = R"(models = ["noop", "alexnet"])";
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, from.size(), R"(models = ["alexnet", "noop"])");
}

void save_all(ResultStore& store, const std::vector<Configuration>& configs,
              const std::string& model) {
  for (const Configuration& c : configs) {
    if (c.spec.model.name == model) {
      store.save(c, testing::fake_summary(c, 4), testing::fake_trace(), {}, {});
    }
  }
}

// Shard 0 holds noop's runs at indices 0..7; shard 1, of a grid listing alexnet first, holds
// alexnet's at 0..7 and the same noop runs again at 8..15 (say, rerun there after the grid grew).
// Keyed by index, the report would count noop twice and drop alexnet; keyed by id, each once.
TEST_F(ReportInput, ShardStoresHoldingOneConfigurationCountItOnce) {
  const ExperimentFile first = parse_experiment(testing::kSmallSweep, "t.toml");
  const ExperimentFile swapped = parse_experiment(swapped_models(), "t.toml");
  const std::vector<Configuration> first_configs = expand(first);
  const std::vector<Configuration> swapped_configs = expand(swapped);
  const nlohmann::ordered_json machine = {{"hostname", "node-1"}};
  {
    ResultStore shard0((dir_ / "results-shard-0-of-2.sqlite").string(), first, false);
    save_all(shard0, first_configs, "noop");
    shard0.add_machine(machine);
    ResultStore shard1((dir_ / "results-shard-1-of-2.sqlite").string(), swapped, false);
    save_all(shard1, swapped_configs, "noop");
    save_all(shard1, swapped_configs, "alexnet");
    shard1.add_machine(machine);
  }
  ASSERT_NE(first_configs[0].id, swapped_configs[0].id);  // the indices do disagree

  ReportOptions options;
  options.input = dir_.string();
  options.out = (dir_ / "report").string();
  options.slo_s = 2;
  const ReportContent c = build_report(options);
  // 2 models x 2 rates x 2 policies, each with its 2 repetitions: nothing doubled, nothing lost.
  ASSERT_EQ(c.rows.size(), 8u);
  for (const auto& row : c.rows) {
    EXPECT_EQ(row.at(columns::kRepetitions), 2) << row.dump();
  }
  EXPECT_EQ(std::count_if(c.rows.begin(), c.rows.end(),
                          [](const auto& row) { return row.at(columns::kModel) == "alexnet"; }),
            4);
  EXPECT_EQ(c.machines.size(), 1u) << c.machines.dump();  // one machine, in both stores

  // export counts them as report does (it used to concatenate the stores: every noop run twice).
  const fs::path csv = dir_ / "x.csv";
  const testing::CommandResult r =
      testing::greenbatch("export " + dir_.string() + " --csv " + csv.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("8 configurations (16 runs)"), std::string::npos) << r.output;
}

// Shards measured on two GPU models, merged with --allow-mixed-hardware: the report says so and
// gives every configuration its hardware; one hardware adds no column.
TEST_F(ReportInput, MixedHardwareShowsEachConfigurationsHardware) {
  // One repetition, so that each row is one run (a row pools repetitions, which shard apart).
  std::string text = testing::kSmallSweep;
  text.replace(text.find("repetitions = 2"), 15, "repetitions = 1");
  const ExperimentFile e = parse_experiment(text, "t.toml");
  const std::vector<Configuration> configs = expand(e);
  std::vector<std::string> shards;
  for (std::size_t i = 0; i < 2; ++i) {
    shards.push_back((dir_ / ("s" + std::to_string(i) + ".sqlite")).string());
    ResultStore store(shards.back(), e, false);
    store.use_machine({{"hostname", "n" + std::to_string(i)},
                       {"cpu", "Xeon"},
                       {"gpus", {i == 0 ? "NVIDIA A100, limit 400 W" : "NVIDIA V100, limit"}}});
    for (const Configuration& c : shard(configs, i, 2)) {
      store.save(c, testing::fake_summary(c, 4), testing::fake_trace(), {}, {});
    }
  }
  const fs::path merged = dir_ / "merged";
  fs::create_directories(merged);
  ResultStore::merge((merged / "results.sqlite").string(), shards, true);
  ReportOptions options;
  options.input = merged.string();
  options.slo_s = 2;
  const ReportContent c = build_report(options);
  EXPECT_EQ(c.hardware_kinds, 2u);
  std::map<std::string, std::string> hardware_of_group;
  for (std::size_t i = 0; i < 2; ++i) {
    for (const Configuration& c : shard(configs, i, 2)) {
      hardware_of_group[c.group_id] =
          std::string("CPU 'Xeon', GPU 'NVIDIA ") + (i == 0 ? "A100'" : "V100'");
    }
  }
  ASSERT_EQ(c.rows.size(), 8u);
  for (const auto& row : c.rows) {
    EXPECT_EQ(row.at(kHardwareColumn), hardware_of_group.at(row.at(columns::kGroupId)))
        << row.dump();
  }
  std::ifstream in(merged / "report" / "report.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<b>Mixed hardware.</b>"), std::string::npos);
  EXPECT_NE(html.find("<th>hardware</th>"), std::string::npos);

  options.input = shards[0];
  options.out = (dir_ / "one").string();
  const ReportContent one = build_report(options);
  EXPECT_EQ(one.hardware_kinds, 1u);
  for (const auto& row : one.rows) EXPECT_FALSE(row.contains(kHardwareColumn));
}

TEST_F(ReportInput, RunFolderOfANewerResultsFormatIsRefusedByName) {
  fs::create_directories(dir_ / "run");
  std::ofstream(dir_ / "run" / "summary.json")
      << R"([{"format": "greenbatch-results/9", "model": "noop", "policy": "fixed:1"}])";
  const testing::CommandResult r = testing::greenbatch("report " + (dir_ / "run").string() +
                                                       " --out " + (dir_ / "out").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_NE(r.output.find("greenbatch-results/9"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("summary.json"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

// A received results folder may hold planted links: report/ pointing at a folder of yours, a figure
// name pointing at a file of yours, summary.json pointing at /etc/passwd. Nothing is written
// through a link, nothing read outside the folder, and the victims stay as they were.
TEST_F(ReportInput, PlantedSymbolicLinksAreNeitherWrittenThroughNorReadOutside) {
  const fs::path run = dir_ / "run";
  const testing::CommandResult made = testing::greenbatch(
      "run --model noop --rate 500 --requests 20 --idle-seconds 0 --warmup-batches 0 --out " +
      run.string());
  ASSERT_EQ(made.code, 0) << made.output;
  const fs::path victim = dir_ / "victim";
  fs::create_directories(victim);
  std::ofstream(victim / "precious.txt") << "mine";

  fs::create_directory_symlink(victim, run / "report");  // the default --out
  testing::CommandResult r = testing::greenbatch("report " + run.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("symbolic link"), std::string::npos) << r.output;
  fs::remove(run / "report");

  fs::create_directories(run / "report");
  fs::create_symlink(victim / "precious.txt", run / "report" / "fig2_1.svg");
  r = testing::greenbatch("report " + run.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("fig2_1.svg"), std::string::npos) << r.output;
  fs::remove_all(run / "report");

  fs::rename(run / "summary.json", dir_ / "summary.json");
  fs::create_symlink("/etc/passwd", run / "summary.json");
  r = testing::greenbatch("report " + run.string() + " --out " + (dir_ / "out").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("outside"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));

  std::ifstream in(victim / "precious.txt");
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "mine");
  EXPECT_EQ(std::distance(fs::directory_iterator(victim), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace gb
