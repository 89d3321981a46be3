// RAPL through a fake powercap tree: zone discovery (psys as the platform), counter wraparound,
// unreadable counters.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "energy/meters.h"
#include "energy/rapl_meter.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

class FakePowercap : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::scratch_dir("powercap");
    zone("intel-rapl:0", "package-0", 1000);
    zone("intel-rapl:0:0", "core", 10);  // part of the package: must not be counted twice
    zone("intel-rapl:0:1", "dram", 20);
    zone("intel-rapl-mmio:0", "package-0", 30);  // the MMIO duplicate of the package
  }
  void TearDown() override {
    fs::permissions(root_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(root_);
  }
  void zone(const std::string& dir, const std::string& name, uint64_t uj) {
    fs::create_directories(root_ / dir);
    std::ofstream(root_ / dir / "name") << name << "\n";
    std::ofstream(root_ / dir / "max_energy_range_uj") << kRange << "\n";
    set(dir, uj);
  }
  void set(const std::string& dir, uint64_t uj) {
    std::ofstream(root_ / dir / "energy_uj", std::ios::trunc) << uj << "\n";
  }
  MeterOptions options(const std::string& kind) {
    MeterOptions o;
    o.kind = kind;
    o.powercap_root = root_.string();
    return o;
  }
  static constexpr uint64_t kRange = 262143328850;  // a real package's max_energy_range_uj
  fs::path root_;
};

TEST_F(FakePowercap, FindsPackageAndDramButNotCoreOrMmio) {
  const auto zones = find_rapl_zones(root_.string());
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(zones[0].name, "package-0");
  EXPECT_EQ(zones[1].name, "dram");
  const auto meters = open_meters(options("auto"));
  ASSERT_EQ(meters.size(), 2u);
  EXPECT_EQ(meters[0]->domain(), "package-0");
  EXPECT_EQ(meters[0]->method(), EnergyMethod::kRapl);
}

// An Intel client machine: intel-rapl:1 is psys, the whole platform (package and DRAM included).
TEST_F(FakePowercap, PsysIsThePlatformDomainOnItsOwn) {
  zone("intel-rapl:1", "psys", 5000);
  const auto zones = find_rapl_zones(root_.string());
  ASSERT_EQ(zones.size(), 3u);
  EXPECT_EQ(zones[0].name, "package-0");
  EXPECT_EQ(zones[1].name, "dram");
  EXPECT_EQ(zones[2].name, "platform");
  EXPECT_NE(zones[2].path.find("intel-rapl:1"), std::string::npos) << zones[2].path;
  const auto meters = open_meters(options("rapl"));
  ASSERT_EQ(meters.size(), 3u);
  EXPECT_EQ(meters[2]->domain(), kPlatformDomain);
  EXPECT_EQ(meters[2]->method(), EnergyMethod::kRapl);
  EXPECT_TRUE(encloses_other_domains(meters[2]->domain()));
  EXPECT_FALSE(encloses_other_domains(meters[0]->domain()));
  EXPECT_FALSE(encloses_other_domains(meters[1]->domain()));
  // Its counter is its own: 2 J of platform energy is 2 J, whatever the package did.
  set("intel-rapl:1", 2005000);
  set("intel-rapl:0", 501000);
  EXPECT_NEAR(*meters[2]->energy_j(), 2.0, 1e-9);
  EXPECT_NEAR(*meters[0]->energy_j(), 0.5, 1e-9);
}

// A psys sub-zone name elsewhere (a driver quirk) is not a platform: only the top level is.
TEST_F(FakePowercap, OnlyATopLevelPsysIsThePlatform) {
  zone("intel-rapl:0:2", "psys", 7);
  const auto zones = find_rapl_zones(root_.string());
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(zones[1].name, "dram");
}

TEST_F(FakePowercap, EnergyIsCountedAcrossAWrap) {
  set("intel-rapl:0", kRange - 1500000);  // 1.5 J before the wrap
  RaplMeter meter(find_rapl_zones(root_.string())[0]);
  EXPECT_DOUBLE_EQ(*meter.energy_j(), 0.0);
  set("intel-rapl:0", kRange - 500000);
  EXPECT_NEAR(*meter.energy_j(), 1.0, 1e-9);
  set("intel-rapl:0", 2000000);  // wrapped: 0.5 J to the top, then 2 J
  EXPECT_NEAR(*meter.energy_j(), 3.5, 1e-9);
  set("intel-rapl:0", 2250000);
  EXPECT_GT(meter.sample_power_w(), 0.0);  // mean power since the last read: 0.25 J over dt
  EXPECT_NEAR(*meter.energy_j(), 3.75, 1e-9);
}

TEST_F(FakePowercap, UnreadableCounterIsExplained) {
  fs::remove(root_ / "intel-rapl:0" / "energy_uj");
  fs::create_directories(root_ / "intel-rapl:0" / "energy_uj");  // exists, but cannot be read
  std::string reason = rapl_unreadable_reason(find_rapl_zones(root_.string())[0]);
  EXPECT_NE(reason.find("energy_uj"), std::string::npos) << reason;
  try {
    open_meters(options("rapl"));
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("meter 'rapl' unavailable"), std::string::npos);
  }
  // Auto falls back to the estimator, labelled so.
  const auto meters = open_meters(options("auto"));
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0]->method(), EnergyMethod::kEstimate);
}

TEST_F(FakePowercap, PermissionDeniedNamesTheKernelRule) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file; the permission path needs a user";
  fs::permissions(root_ / "intel-rapl:0" / "energy_uj", fs::perms::none);
  const std::string reason = rapl_unreadable_reason(find_rapl_zones(root_.string())[0]);
  EXPECT_NE(reason.find("Permission denied"), std::string::npos) << reason;
  EXPECT_NE(reason.find("CVE-2020-8694"), std::string::npos) << reason;
}

TEST_F(FakePowercap, CounterVanishingMidRunIsARunError) {
  RaplMeter meter(find_rapl_zones(root_.string())[0]);
  fs::remove(root_ / "intel-rapl:0" / "energy_uj");
  EXPECT_THROW(meter.sample_power_w(), RunError);
}

TEST_F(FakePowercap, NoTreeMeansNoZones) {
  EXPECT_TRUE(find_rapl_zones((root_ / "absent").string()).empty());
  MeterOptions o = options("rapl");
  o.powercap_root = (root_ / "absent").string();
  EXPECT_THROW(open_meters(o), UsageError);
}

}  // namespace
}  // namespace gb
