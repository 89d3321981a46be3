// Levers (results/levers.h) as dimensions of a configuration: ids, experiment grids, sessions,
// and the profiles that serve a configuration.
#include "results/levers.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "common/errors.h"
#include "profile/profile.h"
#include "results/attach_profiles.h"
#include "results/experiment_file.h"
#include "usage_message.h"

namespace gb {
namespace {

using gb::testing::message_of;

const char* kSweep = R"(
[experiment]
name = "levers"
requests = 16
[grid]
models = ["noop", "alexnet"]
rates = [32]
arrivals = ["paper"]
policies = ["fixed:4", "greedy"]
engines = ["eager", "optimized"]
precisions = ["fp32", "bf16"]
threads = [1, 2]
)";

TEST(Levers, EachIsADimensionOfTheGridAndOfTheId) {
  const ExperimentFile f = parse_experiment(kSweep, "levers.toml");
  const std::vector<Configuration> all = expand(f);
  ASSERT_EQ(all.size(), 2u * 2 * 2 * 2 * 2);
  std::set<std::string> ids;
  for (const Configuration& c : all) ids.insert(c.id);
  EXPECT_EQ(ids.size(), all.size());
  // Models outer, then engines, precisions, threads, then the policies: every model and lever
  // combination is one session.
  EXPECT_EQ(all[0].spec.engine, Engine::kEager);
  EXPECT_EQ(all[0].spec.precision, Precision::kFp32);
  EXPECT_EQ(all[0].spec.threads, 1);
  EXPECT_EQ(all[1].spec.threads, 1);  // the second policy
  EXPECT_EQ(all[2].spec.threads, 2);
  EXPECT_EQ(all[4].spec.precision, Precision::kBf16);
  EXPECT_EQ(all[8].spec.engine, Engine::kOptimized);
  EXPECT_EQ(all[16].spec.model.name, "alexnet");
  EXPECT_EQ(group_by_session(all).size(), 2u * 2 * 2 * 2);
  EXPECT_NE(configuration_key(all[8].spec, 0).find("engine=optimized;"), std::string::npos);
  EXPECT_NE(configuration_key(all[4].spec, 0).find("precision=bf16;threads=1;"), std::string::npos);
}

TEST(Levers, AtTheirBaselinesTheyLeaveIdsAsTheyWere) {
  RunSpec s;
  const std::string before = configuration_key(s, 0);
  EXPECT_EQ(before.find("engine"), std::string::npos);
  EXPECT_EQ(before.find("precision"), std::string::npos);
  EXPECT_EQ(before.find("threads"), std::string::npos);
  EXPECT_EQ(describe_levers(s), "");
  // A value off each baseline, and whether changing it needs a session of its own (the GPU's
  // setting is applied per run).
  const std::map<std::string_view, std::pair<const char*, bool>> off = {
      {"engine", {"optimized", true}},
      {"precision", {"bf16", true}},
      {"threads", {"2", true}},
      {"power_limit", {"200W", false}},
      {"gpu_clocks", {"1410MHz", false}}};
  ASSERT_EQ(off.size(), levers().size());
  for (const Lever& l : levers()) {
    RunSpec changed = s;
    l.set(changed, off.at(l.name).first, l.name);
    EXPECT_NE(configuration_id(changed, 0), configuration_id(s, 0)) << l.name;
    EXPECT_EQ(changed.same_session(s), !off.at(l.name).second) << l.name;
    l.set(changed, l.baseline.empty() ? "0" : l.baseline, l.name);
    EXPECT_EQ(configuration_id(changed, 0), configuration_id(s, 0)) << l.name;
  }
}

TEST(Levers, OneValueInExperimentOrAListInGridNotBoth) {
  const ExperimentFile one = parse_experiment(
      "[experiment]\nengine = \"optimized\"\nprecision = \"bf16\"\nthreads = 3\n[grid]\nmodels = "
      "[\"noop\"]\nrates = [8]\narrivals = [\"paper\"]\npolicies = [\"greedy\"]\n",
      "one.toml");
  EXPECT_EQ(one.base.engine, Engine::kOptimized);
  EXPECT_EQ(one.base.precision, Precision::kBf16);
  EXPECT_EQ(one.base.threads, 3);
  EXPECT_TRUE(one.lever_grid.empty());
  const std::string grid =
      "[grid]\nmodels = [\"noop\"]\nrates = [8]\narrivals = [\"paper\"]\npolicies = [\"greedy\"]\n";
  const auto error = [&](const std::string& experiment, const std::string& extra) {
    return message_of(
        [&] { parse_experiment("[experiment]\n" + experiment + grid + extra, "bad.toml"); });
  };
  EXPECT_NE(error("engine = \"eager\"\n", "engines = [\"optimized\"]\n")
                .find("bad.toml:8: 'grid.engines' and 'experiment.engine' both set engine"),
            std::string::npos);
  EXPECT_NE(error("", "engines = [\"eager\", \"fast\"]\n")
                .find("bad.toml:7: 'grid.engines': 'fast' is not one of eager, optimized"),
            std::string::npos)
      << error("", "engines = [\"eager\", \"fast\"]\n");
  EXPECT_NE(error("", "precisions = [\"bf16\", \"bf16\"]\n").find("names bf16 twice"),
            std::string::npos);
  EXPECT_NE(error("", "threads = [1, \"2\"]\n").find("'grid.threads' must be integers"),
            std::string::npos);
  EXPECT_NE(error("", "threads = [0, 5000]\n").find("out of range"), std::string::npos);
  EXPECT_NE(error("", "engines = []\n").find("must be a non-empty list"), std::string::npos);
  EXPECT_NE(error("precision = 16\n", "").find("'experiment.precision' must be strings"),
            std::string::npos);
}

TEST(Levers, AGrownLeverListExtendsAStoredSweep) {
  const std::string base =
      "[experiment]\nname = \"g\"\n[grid]\nmodels = [\"noop\"]\nrates = [8]\narrivals = "
      "[\"paper\"]\npolicies = [\"greedy\"]\n";
  const ExperimentFile was = parse_experiment(base, "was.toml");
  const ExperimentFile grown =
      parse_experiment(base + "engines = [\"eager\", \"optimized\"]\n", "grown.toml");
  // The stored (eager) configuration keeps its id in the grown grid.
  EXPECT_EQ(expand(was)[0].id, expand(grown)[0].id);
  EXPECT_EQ(expand(grown).size(), 2u);
}

ServiceProfile profile_of(const std::string& model, const std::string& engine, int threads) {
  ServiceProfile p;
  p.model = model;
  p.device = "cpu";
  p.energy_method = "estimate";
  p.threads = threads;
  p.levers = {{"engine", engine}, {"precision", "fp32"}, {"threads", std::to_string(threads)}};
  ProfiledBatch b;
  b.size = 1;
  b.service_mean_s = b.service_p50_s = b.service_p99_s = b.service_max_s = 0.01;
  b.service_s = {0.01};
  b.energy_j = b.dynamic_j = 0.1;
  b.windows = b.batches = 1;
  p.batches = {b};
  return p;
}

TEST(Levers, AProfileServesTheConfigurationsOfItsLeverValues) {
  RunSpec spec;
  spec.model = ModelRef{ModelRef::Kind::kBuiltin, "alexnet"};
  const ServiceProfile eager = profile_of("alexnet", "eager", 2);
  EXPECT_TRUE(profile_serves(eager, spec));  // no thread count asked: any serves
  spec.threads = 2;
  EXPECT_TRUE(profile_serves(eager, spec));
  spec.threads = 1;
  EXPECT_FALSE(profile_serves(eager, spec));
  spec.threads = 0;
  spec.engine = Engine::kOptimized;
  EXPECT_FALSE(profile_serves(eager, spec));
  EXPECT_TRUE(profile_serves(profile_of("alexnet", "optimized", 2), spec));
  EXPECT_FALSE(profile_serves(profile_of("resnet50", "optimized", 2), spec));
  // A profile from before levers existed holds none: eager and fp32.
  ServiceProfile old = eager;
  old.levers.clear();
  EXPECT_FALSE(profile_serves(old, spec));
  spec.engine = Engine::kEager;
  EXPECT_TRUE(profile_serves(old, spec));
  // A GPU setting is a lever like the others: a profile predicts only the one it was measured at.
  spec.gpu.power_limit_mw = 200000;
  EXPECT_FALSE(profile_serves(old, spec));
  ServiceProfile capped = eager;
  capped.levers["power_limit"] = "200W";
  EXPECT_TRUE(profile_serves(capped, spec));
  spec.gpu.clocks_mhz = 1410;
  EXPECT_FALSE(profile_serves(capped, spec));
  spec.gpu = {};
  EXPECT_FALSE(profile_serves(capped, spec));
}

TEST(Levers, TheGpuSettingIsALeverOfRunSettings) {
  RunSpec spec;
  EXPECT_EQ(describe_levers(spec), "");
  const Lever* limit = find_lever("power_limit");
  const Lever* clocks = find_lever("gpu_clocks");
  ASSERT_TRUE(limit && clocks);
  limit->set(spec, "212.5 W", "--power-limit");
  clocks->set(spec, "1.41GHz", "--gpu-clocks");
  EXPECT_EQ(spec.gpu.power_limit_mw, 212500u);
  EXPECT_EQ(spec.gpu.clocks_mhz, 1410u);
  EXPECT_EQ(describe_levers(spec), "power_limit=212.5W, gpu_clocks=1410MHz");
  EXPECT_THROW(limit->set(spec, "200", "--power-limit"), UsageError);  // no unit: refused
  limit->set(spec, "default", "--power-limit");
  EXPECT_FALSE(spec.gpu.power_limit_mw);
  // It changes the id, and only where set: an untouched GPU keeps the ids stored before.
  RunSpec plain;
  EXPECT_NE(configuration_id(spec, 0), configuration_id(plain, 0));
  EXPECT_EQ(configuration_key(plain, 0).find("gpu_clocks"), std::string::npos);
  EXPECT_NE(configuration_key(spec, 0).find("gpu_clocks=1410MHz;"), std::string::npos);
}

}  // namespace
}  // namespace gb
