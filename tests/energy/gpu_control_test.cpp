// GPU power limit and clocks against the fake libnvidia-ml.so.1 (tests/energy/fake_nvml.cpp, on
// LD_LIBRARY_PATH): the values as written, the state file as hostile input and its holders, and
// the control path: set, the cap it puts on the power drawn, restore, refusals, and a setting left
// by a process that is gone restored by another.
#include "energy/gpu_control.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "common/errors.h"
#include "common/files.h"
#include "common/parse.h"
#include "energy/gpu_setting.h"
#include "energy/gpu_state.h"
#include "energy/meters.h"
#include "energy/nvml_meter.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

TEST(GpuSetting, ValuesNeedTheirUnitAndStayInRange) {
  EXPECT_EQ(parse_power_limit("200W", "--power-limit"), 200000u);
  EXPECT_EQ(parse_power_limit(" 212.5 W", "--power-limit"), 212500u);
  EXPECT_EQ(parse_power_limit("default", "--power-limit"), std::nullopt);
  EXPECT_EQ(parse_gpu_clocks("1410MHz", "--gpu-clocks"), 1410u);
  EXPECT_EQ(parse_gpu_clocks("1.41GHz", "--gpu-clocks"), 1410u);
  EXPECT_EQ(parse_gpu_clocks("default", "--gpu-clocks"), std::nullopt);
  for (const char* bad : {"200", "200mW", "200w", "W", "", "nanW"}) {
    EXPECT_THROW(parse_power_limit(bad, "--power-limit"), UsageError) << bad;
  }
  for (const char* bad : {"0W", "0.5W", "20000W", "-5W"}) {
    EXPECT_THROW(parse_power_limit(bad, "--power-limit"), OutOfRangeError) << bad;
  }
  EXPECT_THROW(parse_gpu_clocks("1410", "--gpu-clocks"), UsageError);
  EXPECT_THROW(parse_gpu_clocks("20GHz", "--gpu-clocks"), OutOfRangeError);
  try {
    parse_power_limit("200", "--power-limit");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("needs the unit W (e.g. 200W)"), std::string::npos);
  }
  EXPECT_EQ(power_limit_text(212500u), "212.5W");
  EXPECT_EQ(power_limit_text(212001u), "212.001W");
  EXPECT_EQ(power_limit_text(200000u), "200W");
  EXPECT_EQ((GpuSetting{200000u, 1410u}.label()), "200 W, 1410 MHz");
  EXPECT_EQ(GpuSetting{}.label(), "default");
}

TEST(GpuSetting, TheGridIsLimitsTimesClocksAndRefusesRepeats) {
  const auto grid =
      gpu_setting_grid({"default", "200W"}, {"default", "1410MHz"}, "limits", "clocks");
  ASSERT_EQ(grid.size(), 4u);
  EXPECT_TRUE(grid[0].empty());
  EXPECT_EQ(grid[1].label(), "1410 MHz");
  EXPECT_EQ(grid[2].label(), "200 W");
  EXPECT_EQ(grid[3].label(), "200 W, 1410 MHz");
  EXPECT_EQ(gpu_setting_grid({}, {}, "l", "c").size(), 1u);
  EXPECT_THROW(gpu_setting_grid({"200W", "200 W"}, {}, "limits", "clocks"), UsageError);
}

// The host name as the state file spells it for this machine.
std::string testing_host() { return entry_of_this_process("GPU-x").host; }

// Each test its own state files (GB_GPU_STATE: greenbatch's; GB_FAKE_NVML_STATE: the fake GPU's
// limit and clocks, which outlive a process as a real GPU's do).
class GpuControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("gpu-control");
    state_ = (dir_ / "gpu-state.json").string();
    fake_state_ = (dir_ / "fake-gpu").string();
    setenv(kGpuStateEnv, state_.c_str(), 1);
    setenv("GB_FAKE_NVML_STATE", fake_state_.c_str(), 1);
    script("power=300;limit=350;limit_min=100;limit_max=400");
  }
  void TearDown() override {
    unsetenv("GB_FAKE_NVML_STATE");
    fs::remove_all(dir_);
  }
  static void script(const std::string& s) { setenv("GB_FAKE_NVML", s.c_str(), 1); }
  // The fake GPU 0's line: "limit_mw=N clocks=MIN-MAX"; "" before any change.
  std::string fake_gpu() const {
    std::ifstream in(fake_state_);
    std::string line;
    std::getline(in, line);
    return line;
  }
  static MeterOptions gpu0() {
    MeterOptions o;
    o.kind = "nvml";
    o.gpu_index = 0;
    return o;
  }
  void write_state(const std::string& text) const { std::ofstream(state_) << text; }
  std::string entry(long pid, const std::string& host, const std::string& extra = "") const {
    return "{\"format\": \"greenbatch-gpu-state/1\", \"gpus\": [{\"uuid\": "
           "\"GPU-00000000-fake-0000\", \"host\": \"" +
           host + "\", \"pid\": " + std::to_string(pid) +
           ", \"start_ticks\": 0, \"original_limit_mw\": 350000, \"clocks_locked\": true, "
           "\"since\": \"2026-01-01T00:00:00Z\"" +
           extra + "}]}";
  }
  // A pid that no process has now: a child that has exited and been reaped.
  static long gone_pid() {
    const pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, nullptr, 0);
    return child;
  }
  fs::path dir_;
  std::string state_, fake_state_;
};

TEST_F(GpuControlTest, AHoldSetsRecordsCapsThePowerAndRestores) {
  auto control = GpuControl::open(gpu0(), GpuSetting{200000u, 1410u});
  EXPECT_EQ(control->uuid(), "GPU-00000000-fake-0000");
  EXPECT_EQ(control->power_limit_mw(), 350000u);
  auto meters = open_meters(gpu0());
  EXPECT_NEAR(meters[0]->sample_power_w(), 300, 0.01);
  {
    GpuHold hold(*control, GpuSetting{200000u, 1410u});
    EXPECT_EQ(fake_gpu(), "limit_mw=200000 clocks=1410-1410");
    const auto held = read_gpu_state(state_);
    ASSERT_EQ(held.size(), 1u);
    EXPECT_EQ(held[0].original_limit_mw, 350000u);
    EXPECT_TRUE(held[0].clocks_locked);
    EXPECT_EQ(held[0].pid, getpid());
    EXPECT_EQ(holder_of(held[0]), GpuHolder::kThisProcess);
    EXPECT_TRUE(gpu_settings_held());
    // The fake draws min(p, limit), as a capped GPU does.
    EXPECT_NEAR(meters[0]->sample_power_w(), 200, 0.01);
    EXPECT_EQ(meters[0]->enforced_power_limit_w(), 200.0);
    const std::string line = hold.restore();
    EXPECT_NE(line.find("power limit back to 350 W"), std::string::npos) << line;
    EXPECT_NE(line.find("NVML cannot read locked clocks back"), std::string::npos) << line;
    EXPECT_EQ(hold.restore(), "");
  }
  EXPECT_FALSE(gpu_settings_held());
  EXPECT_EQ(fake_gpu(), "limit_mw=350000 clocks=0-0");
  EXPECT_FALSE(fs::exists(state_));
  EXPECT_NEAR(meters[0]->sample_power_w(), 300, 0.01);
}

TEST_F(GpuControlTest, TheDestructorRestoresWhenARunThrows) {
  auto control = GpuControl::open(gpu0(), GpuSetting{150000u, std::nullopt});
  try {
    GpuHold hold(*control, GpuSetting{150000u, std::nullopt});
    EXPECT_EQ(fake_gpu(), "limit_mw=150000 clocks=0-0");
    throw RunError("the run failed");
  } catch (const RunError&) {
  }
  EXPECT_EQ(fake_gpu(), "limit_mw=350000 clocks=0-0");
  EXPECT_FALSE(fs::exists(state_));
}

TEST_F(GpuControlTest, CheckRefusesOutOfRangeAndWithoutRoot) {
  auto control = GpuControl::open(gpu0(), GpuSetting{200000u, 1410u});
  EXPECT_NO_THROW(control->check(GpuSetting{200000u, 1410u}));
  EXPECT_EQ(fake_gpu(), "limit_mw=350000 clocks=0-0");  // probed, and left as it was
  try {
    control->check(GpuSetting{50000u, std::nullopt});
    ADD_FAILURE() << "50 W accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("power limit 50 W is out of range for GPU 0 (Fake GPU "
                                         "(greenbatch tests), GPU-00000000-fake-0000): it "
                                         "accepts 100 to 400 W"),
              std::string::npos)
        << e.what();
  }
  try {
    control->check(GpuSetting{std::nullopt, 3000u});
    ADD_FAILURE() << "3000 MHz accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("goes up to 1980 MHz"), std::string::npos) << e.what();
  }
  control.reset();
  script("power=300;limit=350;root=0");
  control = GpuControl::open(gpu0(), GpuSetting{200000u, 1410u});
  for (const GpuSetting& s : {GpuSetting{200000u, std::nullopt}, GpuSetting{std::nullopt, 1410u}}) {
    try {
      control->check(s);
      ADD_FAILURE() << s.label() << " accepted without root";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("needs root: NVML says Insufficient Permissions (NVML "
                                           "error 4)"),
                std::string::npos)
          << e.what();
    }
  }
  // A refused change leaves no record behind: nothing changed, so nothing is to restore.
  EXPECT_FALSE(fs::exists(state_));
  EXPECT_THROW(GpuHold(*control, GpuSetting{200000u, std::nullopt}), RunError);
  EXPECT_FALSE(fs::exists(state_));
}

// What NVML itself refuses, as the real one does, when a value gets past greenbatch's own checks.
TEST_F(GpuControlTest, NvmlRefusesOutOfRangeWithInvalidArgument) {
  auto control = GpuControl::open(gpu0(), GpuSetting{200000u, 1410u});
  for (const auto& set : std::vector<std::function<void()>>{
           [&] { control->set_power_limit_mw(50000); }, [&] { control->lock_clocks(3000); }}) {
    try {
      set();
      ADD_FAILURE() << "accepted";
    } catch (const RunError& e) {
      EXPECT_NE(std::string(e.what()).find("failed: Invalid Argument (NVML error 2)"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(control->power_limit_mw(), 350000u);
}

TEST_F(GpuControlTest, ACpuRunNamesNoGpu) {
  MeterOptions o;
  try {
    GpuControl::open(o, GpuSetting{200000u, std::nullopt});
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("run on --device cuda:N, or name the GPU with "
                                         "--gpu-index"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(GpuControlTest, WhatAGoneHolderLeftIsRestoredAndALiveOnesLeftAlone) {
  {
    // The GPU as a killed greenbatch left it: 200 W, clocks locked, and its entry.
    auto control = GpuControl::open(gpu0(), GpuSetting{200000u, 1410u});
    control->set_power_limit_mw(200000);
    control->lock_clocks(1410);
  }
  write_state(entry(gone_pid(), testing_host()));
  const GpuRestoreReport r = restore_abandoned_gpu_settings();
  ASSERT_EQ(r.restored.size(), 1u) << (r.failed.empty() ? "" : r.failed[0]);
  EXPECT_NE(r.restored[0].find("power limit back to 350 W"), std::string::npos) << r.restored[0];
  EXPECT_NE(r.restored[0].find("which is gone"), std::string::npos) << r.restored[0];
  EXPECT_EQ(fake_gpu(), "limit_mw=350000 clocks=0-0");
  EXPECT_FALSE(fs::exists(state_));

  // This test's own process is alive (and not greenbatch's holder): its entry stays, and so does
  // another host's, which this host cannot judge.
  for (const std::string& host : {testing_host(), std::string("elsewhere")}) {
    write_state(entry(getppid(), host));
    const GpuRestoreReport left = restore_abandoned_gpu_settings();
    EXPECT_TRUE(left.restored.empty());
    ASSERT_EQ(left.left.size(), 1u);
    EXPECT_NE(left.left[0].find("left alone"), std::string::npos) << left.left[0];
    EXPECT_EQ(read_gpu_state(state_).size(), 1u);
    auto control = GpuControl::open(gpu0(), GpuSetting{200000u, std::nullopt});
    EXPECT_THROW(control->check(GpuSetting{200000u, std::nullopt}), UsageError);
    EXPECT_THROW(GpuHold(*control, GpuSetting{200000u, std::nullopt}), UsageError);
  }
}

TEST_F(GpuControlTest, AHoldTakesOverAGoneHoldersOriginals) {
  {
    auto control = GpuControl::open(gpu0(), GpuSetting{200000u, std::nullopt});
    control->set_power_limit_mw(200000);  // left by the gone holder, whose original was 350 W
  }
  write_state(entry(gone_pid(), testing_host()));
  auto control = GpuControl::open(gpu0(), GpuSetting{250000u, std::nullopt});
  {
    GpuHold hold(*control, GpuSetting{250000u, std::nullopt});
    EXPECT_EQ(read_gpu_state(state_)[0].original_limit_mw, 350000u);
  }
  EXPECT_EQ(fake_gpu(), "limit_mw=350000 clocks=0-0");
}

TEST_F(GpuControlTest, TheStateFileIsHostileInput) {
  const auto refused = [&](const std::string& text, const std::string& why) {
    write_state(text);
    try {
      read_gpu_state(state_);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("GPU state file '" + state_ + "': " + why),
                std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("fix it, or delete it"), std::string::npos);
    }
  };
  const std::string host = testing_host();
  refused("[1]", "not a greenbatch-gpu-state/1 document");
  refused("{\"format\": \"greenbatch-gpu-state/1\", \"gpus\": [{}]}", "entry 1 lacks 'uuid'");
  std::string bad_uuid = entry(1, host);
  bad_uuid.replace(bad_uuid.find("GPU-00000000"), 12, "GPU-$(reboot)");
  refused(bad_uuid, "entry 1: 'uuid' is not a GPU UUID");
  refused(entry(0, host), "entry 1: 'pid' is not a process id (1 to 4194304)");
  refused(entry(99999999, host), "entry 1: 'pid' is not a process id");
  refused(entry(1, "a host"), "entry 1: 'host' is not a host name");
  std::string big_limit = entry(1, host);
  big_limit.replace(big_limit.find("350000"), 6, "99999999999");
  refused(big_limit, "entry 1: 'original_limit_mw' is out of range");
  std::string twice = entry(1, host);
  const std::string one = twice.substr(twice.find('[') + 1, twice.rfind(']') - twice.find('[') - 1);
  twice.replace(twice.find(one), one.size(), one + ", " + one);
  refused(twice, "GPU GPU-00000000-fake-0000 has two entries");
  refused(std::string(200, '['), "it nests deeper than");
  write_state(std::string(kMaxGpuStateBytes + 1, ' '));
  EXPECT_THROW(read_gpu_state(state_), UsageError);
  // A malformed file is never overwritten: the change is refused.
  write_state("{");
  EXPECT_THROW(update_gpu_state(state_, [](std::vector<GpuStateEntry>&) {}), UsageError);
  std::ifstream in(state_);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "{");
}

TEST_F(GpuControlTest, APidNowOfAnotherProcessIsGone) {
  GpuStateEntry e = entry_of_this_process("GPU-x");
  EXPECT_EQ(holder_of(e), GpuHolder::kThisProcess);
  ASSERT_NE(e.start_ticks, 0u);
  e.start_ticks += 1;  // this pid, started at another time: the holder is gone
  EXPECT_EQ(holder_of(e), GpuHolder::kGone);
  e.pid = gone_pid();
  e.start_ticks = 0;
  EXPECT_EQ(holder_of(e), GpuHolder::kGone);
  e.host = "elsewhere";
  EXPECT_EQ(holder_of(e), GpuHolder::kOtherHost);
}

TEST_F(GpuControlTest, ARestoredHoldCannotBeMadeAfterAnInterrupt) {
  // restore_held_gpu_settings() closes this process's registry: ctest runs each test alone.
  auto control = GpuControl::open(gpu0(), GpuSetting{200000u, std::nullopt});
  auto hold = std::make_unique<GpuHold>(*control, GpuSetting{200000u, std::nullopt});
  const auto lines = restore_held_gpu_settings();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("power limit back to 350 W"), std::string::npos) << lines[0];
  EXPECT_EQ(fake_gpu(), "limit_mw=350000 clocks=0-0");
  EXPECT_FALSE(gpu_settings_held());
  EXPECT_THROW(GpuHold(*control, GpuSetting{200000u, std::nullopt}), RunError);
  hold.reset();
}

}  // namespace
}  // namespace gb
