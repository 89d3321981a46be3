// attach_profiles: the profiles given with --profile, loaded once each and attached by model to
// the configurations that need them.
#include "results/attach_profiles.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "batching/policy_spec.h"
#include "common/errors.h"
#include "profile/profile.h"
#include "test_paths.h"
#include "usage_message.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using gb::testing::message_of;

// Two batch sizes: enough for costs() and for an slo policy to plan with.
ServiceProfile small_profile(const std::string& model, double idle_power_w = 20) {
  ServiceProfile p;
  p.model = model;
  p.device = "cpu";
  p.device_name = "test";
  p.energy_method = "estimate";
  p.idle_power_w = idle_power_w;
  for (std::size_t b : {1, 4}) {
    ProfiledBatch pb;
    pb.size = b;
    pb.service_mean_s = pb.service_p50_s = pb.service_p99_s = pb.service_max_s = 0.01 * b;
    pb.service_s = {pb.service_mean_s};
    pb.dynamic_j = 0.5 * b;
    pb.energy_j = pb.dynamic_j + idle_power_w * pb.service_mean_s;
    pb.windows = pb.batches = 1;
    p.batches.push_back(pb);
  }
  return p;
}

Configuration config(const std::string& model, const std::string& policy) {
  Configuration c;
  c.spec.model = ModelRef{ModelRef::Kind::kBuiltin, model};
  c.spec.policy = PolicySpec::parse(policy);
  return c;
}

class AttachProfiles : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = gb::testing::scratch_dir("attach-profiles"); }
  void TearDown() override { fs::remove_all(dir_); }

  // Saves `p` as DIR/NAME and returns its path.
  std::string save(const ServiceProfile& p, const std::string& name) const {
    const std::string path = (dir_ / name).string();
    p.save(path);
    return path;
  }

  fs::path dir_;
};

TEST_F(AttachProfiles, EveryConfigurationOfAProfiledModelGetsItsPath) {
  const std::string a = save(small_profile("alexnet"), "a.json");
  const std::string b = save(small_profile("vgg16"), "b.json");
  std::vector<Configuration> configs = {config("alexnet", "fixed:4"), config("vgg16", "greedy:8"),
                                        config("alexnet", "slo:50ms"), config("noop", "fixed:2")};
  attach_profiles(configs, {a, b}, /*every_model=*/false);
  EXPECT_EQ(configs[0].spec.profile, a);
  EXPECT_EQ(configs[1].spec.profile, b);
  EXPECT_EQ(configs[2].spec.profile, a);
  EXPECT_EQ(configs[3].spec.profile, "");  // no profile of noop, and none needed
}

TEST_F(AttachProfiles, TheReturnedMapHoldsEachProfileOnceByPath) {
  const std::string a = save(small_profile("alexnet", 11), "a.json");
  const std::string b = save(small_profile("vgg16", 22), "b.json");
  std::vector<Configuration> configs = {config("alexnet", "fixed:4"), config("alexnet", "fixed:8"),
                                        config("vgg16", "fixed:4")};
  const auto profiles = attach_profiles(configs, {a, b, a}, /*every_model=*/true);
  ASSERT_EQ(profiles.size(), 2u);
  ASSERT_EQ(profiles.count(a), 1u);
  ASSERT_EQ(profiles.count(b), 1u);
  EXPECT_EQ(profiles.at(a).model, "alexnet");
  EXPECT_DOUBLE_EQ(profiles.at(a).idle_power_w, 11);
  EXPECT_EQ(profiles.at(a).batches.size(), 2u);
  EXPECT_EQ(profiles.at(b).model, "vgg16");
  EXPECT_DOUBLE_EQ(profiles.at(b).idle_power_w, 22);
}

TEST_F(AttachProfiles, AProfileOfAModelOutsideTheGridIsReturnedAndHarmless) {
  const std::string a = save(small_profile("alexnet"), "a.json");
  std::vector<Configuration> configs = {config("noop", "fixed:4")};
  const auto profiles = attach_profiles(configs, {a}, /*every_model=*/false);
  EXPECT_EQ(profiles.count(a), 1u);
  EXPECT_EQ(configs[0].spec.profile, "");
}

// One profile per engine x precision (x threads): each configuration gets its own.
TEST_F(AttachProfiles, EachLeverCombinationGetsTheProfileMeasuredWithIt) {
  ServiceProfile eager = small_profile("alexnet", 11), optimized = small_profile("alexnet", 12);
  eager.levers = {{"engine", "eager"}, {"precision", "fp32"}, {"threads", "2"}};
  optimized.levers = {{"engine", "optimized"}, {"precision", "fp32"}, {"threads", "2"}};
  const std::string e = save(eager, "e.json"), o = save(optimized, "o.json");
  std::vector<Configuration> configs = {config("alexnet", "fixed:4"), config("alexnet", "fixed:4")};
  configs[1].spec.engine = Engine::kOptimized;
  attach_profiles(configs, {e, o}, /*every_model=*/true);
  EXPECT_EQ(configs[0].spec.profile, e);
  EXPECT_EQ(configs[1].spec.profile, o);
  // bf16 has none: the message says what to profile.
  configs[1].spec.precision = Precision::kBf16;
  const std::string message = message_of([&] { attach_profiles(configs, {e, o}, true); });
  EXPECT_NE(message.find("no --profile for model 'alexnet' with engine=optimized, precision=bf16"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("greenbatch profile --model alexnet --engine optimized --precision bf16"),
            std::string::npos)
      << message;
  // Two thread counts serve a configuration that names none: it must choose.
  ServiceProfile one_thread = eager;
  one_thread.levers["threads"] = "1";
  const std::string t1 = save(one_thread, "t1.json");
  std::vector<Configuration> unnamed = {config("alexnet", "fixed:4")};
  const std::string both = message_of([&] { attach_profiles(unnamed, {e, t1}, true); });
  EXPECT_NE(both.find("both serve model 'alexnet'"), std::string::npos) << both;
  unnamed[0].spec.threads = 1;
  attach_profiles(unnamed, {e, t1}, true);
  EXPECT_EQ(unnamed[0].spec.profile, t1);
}

TEST_F(AttachProfiles, TwoProfilesOfOneModelAreAUsageError) {
  const std::string a = save(small_profile("alexnet", 11), "a.json");
  const std::string again = save(small_profile("alexnet", 12), "again.json");
  std::vector<Configuration> configs = {config("alexnet", "fixed:4")};
  EXPECT_THROW(attach_profiles(configs, {a, again}, false), UsageError);
  const std::string message = message_of([&] { attach_profiles(configs, {a, again}, false); });
  EXPECT_NE(message.find("two profiles of model 'alexnet'"), std::string::npos) << message;
  EXPECT_NE(message.find(again), std::string::npos) << message;
}

TEST_F(AttachProfiles, EveryModelNeedsAProfileWhenAsked) {
  const std::string a = save(small_profile("alexnet"), "a.json");
  std::vector<Configuration> configs = {config("alexnet", "fixed:4"), config("vgg16", "fixed:4")};
  EXPECT_THROW(attach_profiles(configs, {a}, /*every_model=*/true), UsageError);
  const std::string message = message_of([&] { attach_profiles(configs, {a}, true); });
  EXPECT_NE(message.find("no --profile for model 'vgg16'"), std::string::npos) << message;
  EXPECT_NE(message.find("greenbatch profile --model vgg16"), std::string::npos) << message;
  // Without every_model the same grid is accepted: fixed needs no profile.
  std::vector<Configuration> relaxed = {config("alexnet", "fixed:4"), config("vgg16", "fixed:4")};
  EXPECT_NO_THROW(attach_profiles(relaxed, {a}, /*every_model=*/false));
  EXPECT_EQ(relaxed[1].spec.profile, "");
}

TEST_F(AttachProfiles, SloAndOfflineOfAModelWithoutProfileAskForOne) {
  const std::string a = save(small_profile("alexnet"), "a.json");
  for (const char* policy : {"slo:50ms", "offline:50ms"}) {
    std::vector<Configuration> configs = {config("alexnet", policy), config("vgg16", policy)};
    EXPECT_THROW(attach_profiles(configs, {a}, false), UsageError) << policy;
    const std::string message = message_of([&] { attach_profiles(configs, {a}, false); });
    EXPECT_NE(message.find("--profile"), std::string::npos) << policy << ": " << message;
    // The model that has a profile plans with it: the same policy alone is accepted.
    std::vector<Configuration> profiled = {config("alexnet", policy)};
    EXPECT_NO_THROW(attach_profiles(profiled, {a}, false)) << policy;
    EXPECT_EQ(profiled[0].spec.profile, a) << policy;
  }
  // And with no profile given at all.
  std::vector<Configuration> none = {config("vgg16", "slo:50ms")};
  const std::string message = message_of([&] { attach_profiles(none, {}, false); });
  EXPECT_NE(message.find("--profile"), std::string::npos) << message;
}

TEST_F(AttachProfiles, AnUnreadableProfileIsAUsageError) {
  std::vector<Configuration> configs = {config("alexnet", "fixed:4")};
  const std::string missing = (dir_ / "missing.json").string();
  EXPECT_THROW(attach_profiles(configs, {missing}, false), UsageError);
}

TEST_F(AttachProfiles, NoProfilesAndNoNeedLeavesTheConfigurationsAlone) {
  std::vector<Configuration> configs = {config("alexnet", "fixed:4"), config("noop", "greedy")};
  EXPECT_TRUE(attach_profiles(configs, {}, false).empty());
  EXPECT_EQ(configs[0].spec.profile, "");
  EXPECT_EQ(configs[1].spec.profile, "");
}

}  // namespace
}  // namespace gb
