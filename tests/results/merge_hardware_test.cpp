// Shards of one sweep must measure the same hardware: each configuration keeps the machine it ran
// on, merge refuses shards of different CPU or GPU models unless told to allow them, and then
// every merged configuration still names its own machine.
#include <gtest/gtest.h>

#include <filesystem>

#include "results/experiment_file.h"
#include "results/machine.h"
#include "results/result_store.h"
#include "store_fakes.h"
#include "test_paths.h"
#include "usage_message.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

ordered_json machine(const std::string& host, const std::string& cpu, ordered_json gpus) {
  return {{"hostname", host}, {"cpu", cpu}, {"logical_cpus", 8}, {"gpus", std::move(gpus)}};
}

class MergeHardware : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("merge-hardware");
    experiment_ = parse_experiment(testing::kSmallSweep, "t.toml");
    configs_ = expand(experiment_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Shard i of 2, run on `m`.
  std::string shard_on(std::size_t i, const ordered_json& m) {
    const std::string path =
        (dir_ / ("results-shard-" + std::to_string(i) + "-of-2.sqlite")).string();
    ResultStore store(path, experiment_, false);
    store.use_machine(m);
    for (const Configuration& c : shard(configs_, i, 2)) {
      store.save(c, testing::fake_summary(c, 1), testing::fake_trace(), {}, {"cpu"});
    }
    return path;
  }
  fs::path dir_;
  ExperimentFile experiment_;
  std::vector<Configuration> configs_;
};

TEST(HardwareOf, NamesTheModelsAndNothingThatDiffersBetweenNodesOfOneType) {
  const ordered_json gpus = {
      "NVIDIA H200, enforced power limit 700 W, energy: total-energy counter",
      "NVIDIA H200, enforced power limit 650 W"};
  EXPECT_EQ(hardware_of(machine("node-1", "AMD EPYC 9654", gpus)),
            "CPU 'AMD EPYC 9654', GPU 'NVIDIA H200'");
  // However many GPUs the job's allocation let NVML see.
  EXPECT_EQ(hardware_of(machine("node-2", "AMD EPYC 9654", {"NVIDIA H200, limit 700 W"})),
            hardware_of(machine("node-1", "AMD EPYC 9654", gpus)));
  EXPECT_EQ(hardware_of(machine("n", "Xeon", {"NVIDIA V100", "NVIDIA A100, x"})),
            "CPU 'Xeon', GPU 'NVIDIA A100', 'NVIDIA V100'");
  EXPECT_EQ(hardware_of(machine("node-1", "Xeon", ordered_json::array())), "CPU 'Xeon', no GPU");
  EXPECT_EQ(hardware_of(machine("a", "Xeon", {})), hardware_of(machine("b", "Xeon", {})));
  // From a file: fields missing or of another type read as unknown, never throw.
  EXPECT_EQ(hardware_of(ordered_json::object()), "CPU 'unknown', GPUs unknown");
  EXPECT_EQ(hardware_of(ordered_json{{"cpu", 5}, {"gpus", {7}}}), "CPU 'unknown', GPU 'unknown'");
  EXPECT_EQ(hardware_of(ordered_json("text")), "CPU 'unknown', GPUs unknown");
}

TEST_F(MergeHardware, EachConfigurationRecordsItsMachine) {
  const std::string path = shard_on(0, machine("n1", "Xeon", ordered_json::array()));
  ResultStore store(path);
  const auto ids = store.run_machines();
  EXPECT_EQ(ids.size(), store.completed().size());
  for (const auto& [id, m] : ids) EXPECT_EQ(m, 0u) << id;
}

TEST_F(MergeHardware, NodesOfOneTypeMerge) {
  const std::string a = shard_on(0, machine("n1", "Xeon", {"NVIDIA A100, limit"}));
  const std::string b = shard_on(1, machine("n2", "Xeon", {"NVIDIA A100, limit"}));
  const std::string out = (dir_ / "merged.sqlite").string();
  ResultStore::merge(out, {a, b});
  const ResultStore m(out);
  EXPECT_EQ(m.completed().size(), configs_.size());
  EXPECT_EQ(m.machines().size(), 2u);  // both hosts are recorded
}

TEST_F(MergeHardware, OtherGpuOrCpuModelsAreRefusedBeforeAnythingIsWritten) {
  const std::string a = shard_on(0, machine("n1", "Xeon", {"NVIDIA A100, limit"}));
  const std::string b = shard_on(1, machine("n2", "Xeon", {"NVIDIA V100, limit"}));
  const std::string out = (dir_ / "merged.sqlite").string();
  const std::string why = testing::message_of([&] { ResultStore::merge(out, {a, b}); });
  EXPECT_NE(why.find("GPU 'NVIDIA V100'"), std::string::npos) << why;
  EXPECT_NE(why.find("GPU 'NVIDIA A100'"), std::string::npos) << why;
  EXPECT_NE(why.find("--allow-mixed-hardware"), std::string::npos) << why;
  EXPECT_NE(why.find("--constraint"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(out));

  fs::remove(b);
  const std::string c = shard_on(1, machine("n1", "EPYC", {"NVIDIA A100, limit"}));
  EXPECT_NE(testing::message_of([&] {
              ResultStore::merge(out, {a, c});
            }).find("CPU 'EPYC'"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(MergeHardware, AllowedMixedHardwareKeepsEachConfigurationsMachine) {
  const std::string a = shard_on(0, machine("n1", "Xeon", {"NVIDIA A100, limit"}));
  const std::string b = shard_on(1, machine("n2", "Xeon", {"NVIDIA V100, limit"}));
  const std::string out = (dir_ / "merged.sqlite").string();
  ResultStore::merge(out, {b, a}, true);
  const ResultStore m(out);
  const ordered_json machines = m.machines();
  const auto ids = m.run_machines();
  ASSERT_EQ(ids.size(), configs_.size());
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string gpu = i == 0 ? "A100" : "V100";
    for (const Configuration& c : shard(configs_, i, 2)) {
      ASSERT_TRUE(ids.count(c.id));
      EXPECT_NE(hardware_of(machines[ids.at(c.id)]).find(gpu), std::string::npos) << c.id;
    }
  }
  // Merging again into the same store keeps the records as they were.
  ResultStore::merge(out, {a, b}, true);
  EXPECT_EQ(ResultStore(out).run_machines(), ids);
}

TEST_F(MergeHardware, AStoreWithoutRecordsGivesItsOneMachineToEveryConfiguration) {
  const std::string path = (dir_ / "old.sqlite").string();
  {
    ResultStore store(path, experiment_, false);
    store.add_machine(machine("n1", "Xeon", ordered_json::array()));  // as before use_machine
    for (const Configuration& c : shard(configs_, 0, 2)) {
      store.save(c, testing::fake_summary(c, 1), testing::fake_trace(), {}, {"cpu"});
    }
  }
  EXPECT_EQ(ResultStore(path).run_machines().size(), shard(configs_, 0, 2).size());
}

}  // namespace
}  // namespace gb
