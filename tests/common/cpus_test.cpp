// The default thread count: the smallest of the affinity mask, the cgroup v2 quota (ancestors
// included) and SLURM_CPUS_PER_TASK, read from a fake cgroup tree and a fake environment.
#include "common/cpus.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace gb {
namespace {

namespace fs = std::filesystem;

class Cpus : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gb-cpus-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "root/job/step");
    std::ofstream(dir_ / "cgroup") << "0::/job/step\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  void quota(const std::string& where, const std::string& text) {
    std::ofstream(dir_ / "root" / where / "cpu.max") << text << "\n";
  }
  CpuLimits limits(std::map<std::string, std::string> env = {}) {
    return cpu_limits((dir_ / "cgroup").string(), (dir_ / "root").string(),
                      [env](const char* name) -> const char* {
                        auto it = env.find(name);
                        return it == env.end() ? nullptr : it->second.c_str();
                      });
  }
  fs::path dir_;
};

TEST_F(Cpus, AQuotaRoundsUpAndTheSmallestAncestorsWins) {
  quota("job/step", "150000 100000");  // 1.5 CPUs: 2 threads keep it busy
  EXPECT_EQ(limits().quota, 2u);
  quota("job", "1600000 100000");  // 16 CPUs: microseconds run into millions
  EXPECT_EQ(limits().quota, 2u);
  quota("job", "100000 100000");  // the parent allows one
  EXPECT_EQ(limits().quota, 1u);
  EXPECT_EQ(limits().usable(), 1u);
}

TEST_F(Cpus, NoQuotaOrAMalformedOneIsNoLimit) {
  quota("job/step", "max 100000");
  EXPECT_FALSE(limits().quota.has_value());
  quota("job/step", "lots 100000");
  EXPECT_FALSE(limits().quota.has_value());
  // A cgroup path that climbs out of the root is not followed.
  std::ofstream(dir_ / "cgroup") << "0::/../../etc\n";
  EXPECT_FALSE(limits().quota.has_value());
}

TEST_F(Cpus, SlurmsCpusPerTaskCaps) {
  const CpuLimits l = limits({{"SLURM_CPUS_PER_TASK", "1"}});
  EXPECT_EQ(l.slurm, 1u);
  EXPECT_EQ(l.usable(), 1u);
  EXPECT_NE(l.describe().find("SLURM_CPUS_PER_TASK 1"), std::string::npos) << l.describe();
  EXPECT_FALSE(limits({{"SLURM_CPUS_PER_TASK", "0"}}).slurm.has_value());
}

TEST_F(Cpus, TheAffinityMaskIsRead) {
  const CpuLimits l = limits();
  EXPECT_GE(l.affinity, 1u);
  EXPECT_EQ(l.usable(), l.affinity);
}

TEST(DefaultThreads, OmpNumThreadsWins) {
  ::setenv("OMP_NUM_THREADS", "3", 1);
  EXPECT_EQ(default_threads(), 3u);
  ::setenv("OMP_NUM_THREADS", "100000", 1);  // beyond kMaxThreads: not a thread count
  EXPECT_EQ(default_threads(), usable_cpus());
  ::setenv("OMP_NUM_THREADS", "none", 1);
  EXPECT_EQ(default_threads(), usable_cpus());
  ::unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(default_threads(), usable_cpus());
}

}  // namespace
}  // namespace gb
