// Configuration ids: what they are made of, that they follow content rather than grid position,
// and that shards follow them.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "results/experiment_file.h"

namespace gb {
namespace {

const char* kGrid = R"(
[experiment]
name = "ids"
requests = 64
repetitions = 2
seed = 5
[grid]
models = ["noop", "alexnet"]
rates = [16, 32]
arrival = ["paper", "offline"]
policies = ["fixed:16", "greedy"]
)";

// The settings of configs/paper.toml's first configuration.
RunSpec paper_first() {
  RunSpec s;
  s.model = parse_model("alexnet");
  s.device = Device::parse("cuda");
  s.set_arrival("paper", 16);
  s.policy = PolicySpec::parse("fixed:16");
  s.requests = 8192;
  s.warmup_batches = 256;
  s.warmup_batch_size = 32;
  s.seed = 1;
  s.meter = "auto";
  s.idle_duration = std::chrono::seconds(5);
  s.sample_interval = std::chrono::milliseconds(10);
  return s;
}

std::map<std::string, const Configuration*> by_id(const std::vector<Configuration>& all) {
  std::map<std::string, const Configuration*> out;
  for (const Configuration& c : all) out[c.id] = &c;
  return out;
}

TEST(ExperimentFileIds, KeyAndIdArePinned) {
  // The definition in experiment_file.h, spelled out. A change here renames every stored run:
  // it needs a new store format, not an edit of this test.
  EXPECT_EQ(configuration_key(paper_first(), 0),
            "model=alexnet;weights=;device=cuda;arrival=paper;rate_hz=16;policy=fixed:16;"
            "requests=8192;warmup_batches=256;warmup_batch_size=32;seed=1;images=;meter=auto;"
            "idle_ns=5000000000;sample_interval_ns=10000000;");
  EXPECT_EQ(configuration_group_id(paper_first(), 0), "b46ef18120664b37");
  EXPECT_EQ(configuration_id(paper_first(), 0), "bc0bcfba1de1f702");
}

TEST(ExperimentFileIds, RepetitionsShareAGroupAndNothingElseDoes) {
  const auto all = expand(parse_experiment(kGrid, "t.toml"));
  // 2 models x (paper at 2 rates + offline once) x 2 policies x 2 repetitions.
  ASSERT_EQ(all.size(), 2u * 3 * 2 * 2);
  EXPECT_EQ(by_id(all).size(), all.size());
  std::map<std::string, std::set<std::size_t>> groups;
  for (const Configuration& c : all) {
    EXPECT_EQ(c.id.size(), 16u);
    EXPECT_EQ(c.id, configuration_id(c.spec, c.repetition));
    groups[c.group_id].insert(c.repetition);
  }
  EXPECT_EQ(groups.size(), all.size() / 2);
  for (const auto& [group, reps] : groups) EXPECT_EQ(reps, (std::set<std::size_t>{0, 1}));
  // The group id removes the repetition's seed offset: repetition 1 of seed 5 is seed 6.
  EXPECT_EQ(all[1].spec.seed, 6u);
  EXPECT_EQ(all[0].group_id, all[1].group_id);
}

TEST(ExperimentFileIds, AGrownGridKeepsTheIdsOfWhatItHad) {
  std::string grown = kGrid;
  grown.replace(grown.find("[\"noop\", \"alexnet\"]"), 19, "[\"alexnet\", \"resnet50\", \"noop\"]");
  grown.replace(grown.find("[16, 32]"), 8, "[8, 16, 32]");
  const auto before = expand(parse_experiment(kGrid, "t.toml"));
  const auto grown_all = expand(parse_experiment(grown, "t.toml"));
  const auto after = by_id(grown_all);
  bool renumbered = false;
  for (const Configuration& c : before) {
    ASSERT_TRUE(after.count(c.id))
        << c.spec.model.name << " " << c.spec.rate_hz << " " << c.spec.policy.canonical();
    const Configuration& same = *after.at(c.id);
    EXPECT_EQ(same.spec.model, c.spec.model);
    EXPECT_EQ(same.spec.policy, c.spec.policy);
    EXPECT_EQ(same.repetition, c.repetition);
    EXPECT_EQ(same.group_id, c.group_id);
    renumbered |= same.index != c.index;
  }
  EXPECT_TRUE(renumbered);  // the indices moved; the ids did not
}

TEST(ExperimentFileIds, EverySettingThatChangesAResultChangesTheId) {
  const RunSpec base = paper_first();
  const std::string id = configuration_id(base, 0);
  const std::vector<std::pair<const char*, std::function<void(RunSpec&)>>> changes = {
      {"model",
       [](RunSpec& s) {
         s.model = ModelRef{ModelRef::Kind::kBuiltin, "resnet18"};
       }},
      {"weights", [](RunSpec& s) { s.weights = "w.pt"; }},
      {"device", [](RunSpec& s) { s.device = Device::parse("cuda:1"); }},
      {"arrival", [](RunSpec& s) { s.set_arrival("poisson", s.rate_hz); }},
      {"rate", [](RunSpec& s) { s.set_arrival("paper", 16.000000000000004); }},  // the next double
      {"policy", [](RunSpec& s) { s.policy = PolicySpec::parse("fixed:32"); }},
      {"requests", [](RunSpec& s) { s.requests = 8191; }},
      {"warmup_batches", [](RunSpec& s) { s.warmup_batches = 0; }},
      {"warmup_batch_size", [](RunSpec& s) { s.warmup_batch_size = 16; }},
      {"seed", [](RunSpec& s) { s.seed = 2; }},
      {"images", [](RunSpec& s) { s.images = "imgs"; }},
      {"meter", [](RunSpec& s) { s.meter = "rapl"; }},
      {"threads", [](RunSpec& s) { s.threads = 2; }},
      {"idle", [](RunSpec& s) { s.idle_duration += Nanos(1); }},
      {"sample_interval", [](RunSpec& s) { s.sample_interval += Nanos(1); }},
      {"idle_settle", [](RunSpec& s) { s.idle_settle = Nanos(0); }},
      {"power_limit", [](RunSpec& s) { s.gpu.power_limit_mw = 200000; }},
      {"gpu_clocks", [](RunSpec& s) { s.gpu.clocks_mhz = 1410; }},
  };
  for (const auto& [name, change] : changes) {
    RunSpec s = base;
    change(s);
    EXPECT_NE(configuration_id(s, 0), id) << name;
  }
  EXPECT_NE(configuration_id(base, 1), id);
}

// A grid that adds the GPU's dimension keeps the ids of its default-setting configurations: those
// are the configurations it had, and stored runs of them stay done.
TEST(ExperimentFileIds, AGpuSettingIsInTheKeyOnlyWhenSet) {
  std::string with_gpu = kGrid;
  with_gpu += "power_limits = [\"default\", \"200W\"]\ngpu_clocks = [\"default\", \"1410MHz\"]\n";
  const auto before = expand(parse_experiment(kGrid, "t.toml"));
  const auto after = expand(parse_experiment(with_gpu, "t.toml"));
  ASSERT_EQ(after.size(), 4 * before.size());
  const auto ids = by_id(after);
  for (const Configuration& c : before) {
    ASSERT_TRUE(ids.count(c.id)) << c.spec.model.name << " " << c.spec.policy.canonical();
    EXPECT_TRUE(ids.at(c.id)->spec.gpu.empty());
  }
  RunSpec s = paper_first();
  s.gpu = GpuSetting{200000, 1410};
  const std::string key = configuration_key(s, 0);
  const std::string tail = "power_limit=200W;gpu_clocks=1410MHz;";
  EXPECT_EQ(key.substr(key.size() - tail.size()), tail);
  // Models outer, then the GPU settings: one model's configurations share its session.
  EXPECT_EQ(after[0].spec.model.name, "noop");
  EXPECT_TRUE(after[0].spec.gpu.empty());
  EXPECT_EQ(after[after.size() / 2 - 1].spec.gpu.label(), "200 W, 1410 MHz");
}

TEST(ExperimentFileIds, WhatDoesNotChangeAResultKeepsTheId) {
  const RunSpec base = paper_first();
  RunSpec s = base;
  s.peak_threshold_w = 1;
  s.gpu_index = 3;
  s.powercap_root = "/elsewhere";
  s.profile = "p.json";
  s.min_valid_requests = 1;  // labels only
  s.min_valid_duration = Nanos(0);
  s.policy = PolicySpec::parse("greedy");  // not canonical: the key holds canonical_policy()
  RunSpec canonical = base;
  canonical.policy = PolicySpec::parse("greedy:128");
  EXPECT_EQ(configuration_id(s, 0), configuration_id(canonical, 0));
  RunSpec offline = base, offline_other_rate = base;
  offline.set_arrival("offline", 16);
  offline_other_rate.set_arrival("offline", 99);  // an offline stream ignores the rate
  offline_other_rate.rate_hz = 99;                // even one recorded against it
  EXPECT_EQ(configuration_id(offline, 0), configuration_id(offline_other_rate, 0));
}

TEST(ExperimentFileIds, ValuesCannotForgeAnotherField) {
  RunSpec a = paper_first(), b = paper_first();
  a.model = ModelRef{ModelRef::Kind::kBuiltin, "x;weights=y"};
  b.model = ModelRef{ModelRef::Kind::kBuiltin, "x"};
  b.weights = "y";
  EXPECT_NE(configuration_key(a, 0), configuration_key(b, 0));
  EXPECT_NE(configuration_id(a, 0), configuration_id(b, 0));
}

TEST(ExperimentFileIds, AConfigurationStaysInItsShardWhenTheGridGrows) {
  std::string grown = kGrid;
  grown.replace(grown.find("[16, 32]"), 8, "[16, 24, 32, 48]");
  const auto before = expand(parse_experiment(kGrid, "t.toml"));
  const auto after = expand(parse_experiment(grown, "t.toml"));
  for (std::size_t i = 0; i < 3; ++i) {
    std::set<std::string> grown_shard;
    for (const Configuration& c : shard(after, i, 3)) grown_shard.insert(c.id);
    for (const Configuration& c : shard(before, i, 3)) EXPECT_TRUE(grown_shard.count(c.id));
  }
}

}  // namespace
}  // namespace gb
