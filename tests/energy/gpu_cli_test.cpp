// The GPU power limit and clocks end to end: greenbatch with the fake libnvidia-ml (its limit kept
// in a file, as a real GPU keeps it past a process) and the fake CUDA driver. Set for a
// configuration, measured under it, restored after it, on SIGTERM, and after a SIGKILL by the
// next start; a live holder's setting left alone; refusals before anything runs. The figures the
// fake produces test the control path only: none is a result.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "command_runner.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

using Result = gb::testing::CommandResult;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class GpuCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = gb::testing::scratch_dir("gpu-cli");
    out_ = (dir_ / "out").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The fakes, with this test's state files. GPU 0 draws 300 W until capped; its limit is 350 W,
  // settable from 100 to 400 W.
  std::string env(const std::string& script = "", const char* nvml_dir = GB_FAKE_NVML_DIR) const {
    return std::string("LD_LIBRARY_PATH=") + nvml_dir +
           " GB_FAKE_NVML='power=300;limit=350;limit_min=100;limit_max=400;" + script +
           "' GB_FAKE_NVML_STATE=" + fake_state() + " GB_GPU_STATE=" + state() +
           " GB_LIBCUDA=" + GB_FAKE_CUDA_LIB;
  }
  std::string fake_state() const { return (dir_ / "fake-gpu").string(); }
  std::string state() const { return (dir_ / "gpu-state.json").string(); }
  // The fake GPU 0's limit and clocks as it keeps them ("" before any change).
  std::string gpu0() const {
    std::istringstream in(read(fake_state()));
    std::string line;
    std::getline(in, line);
    return line;
  }
  Result greenbatch(const std::string& args, const std::string& script = "") const {
    return gb::testing::greenbatch(args, env(script));
  }
  // A noop run on cuda:0 (the fake CUDA driver's one GPU, NVML's GPU 0) measured by NVML.
  std::string run(const std::string& extra, int requests = 200) const {
    return "run --model noop --device cuda:0 --meter nvml --rate 200 --policy fixed:10 "
           "--idle-seconds 0.3 --requests " +
           std::to_string(requests) + " --out " + out_ + " " + extra;
  }
  // Starts `args` in the background, waits until the fake GPU's limit is 200 W and a second more
  // (the run under way), sends `signal`, and returns the exit status and output.
  Result signalled(const std::string& args, const char* signal) const {
    const std::string log = (dir_ / "log").string();
    const std::string script =
        env() + " " + gb::testing::build_dir() + "/greenbatch " + args + " >" + log +
        " 2>&1 & pid=$!; for i in $(seq 150); do grep -q limit_mw=200000 " + fake_state() +
        " 2>/dev/null && break; sleep 0.1; done; sleep 1; kill -" + signal +
        " $pid; wait $pid; echo rc=$? pid=$pid; cat " + log;
    return gb::testing::run_shell(script);
  }
  fs::path dir_;
  std::string out_;
};

TEST_F(GpuCli, RunSetsTheLimitMeasuresUnderItAndRestoresAfterEachConfiguration) {
  const Result r = greenbatch(run("--power-limit 200W --power-limit default"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("restored GPU 0 (Fake GPU (greenbatch tests), GPU-00000000-fake-0000): "
                          "power limit back to 350 W"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("power settled in"), std::string::npos) << r.output;
  std::ifstream in(fs::path(out_) / "summary.json");
  const auto runs = nlohmann::json::parse(in);
  ASSERT_EQ(runs.size(), 2u);
  // Under 200 W: the configuration, NVML's enforced limit, and a draw capped at it (the fake
  // models the cap); its idle baseline is its own.
  EXPECT_EQ(runs[0]["power_limit"], "200W");
  EXPECT_EQ(runs[0]["gpu_enforced_power_limit_w"], 200.0);
  EXPECT_NEAR(runs[0]["Average Power(W)"].get<double>(), 200, 2);
  EXPECT_NEAR(runs[0]["idle_power_w"].get<double>(), 200, 2);
  EXPECT_GT(runs[0]["gpu_settle_s"].get<double>(), 0);
  EXPECT_EQ(runs[0]["gpu_settling"]["settled"], true);
  EXPECT_EQ(runs[0]["settings"]["power_limit"], "200W");
  // Restored before the next configuration: the GPU's own limit and draw, after settling again.
  EXPECT_EQ(runs[1]["power_limit"], "default");
  EXPECT_EQ(runs[1]["gpu_enforced_power_limit_w"], 350.0);
  EXPECT_NEAR(runs[1]["Average Power(W)"].get<double>(), 300, 3);
  EXPECT_NEAR(runs[1]["idle_power_w"].get<double>(), 300, 3);
  EXPECT_GT(runs[1]["gpu_settle_s"].get<double>(), 0);
  EXPECT_NE(runs[0]["energy_domains"][0]["measures"].get<std::string>().find(
                "GPU chosen by PCI bus id 00000000:01:00.0"),
            std::string::npos);
  EXPECT_EQ(gpu0(), "limit_mw=350000 clocks=0-0");
  EXPECT_FALSE(fs::exists(state()));
  EXPECT_EQ(runs[0]["gpu_clocks"], "default");
  EXPECT_NE(r.output.find(" levers "), std::string::npos) << r.output;  // the table's column
}

TEST_F(GpuCli, LockedClocksAreResetAfterTheRun) {
  const Result r = greenbatch(run("--gpu-clocks 1410MHz"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("locked clocks reset to the driver's default"), std::string::npos)
      << r.output;
  std::ifstream in(fs::path(out_) / "summary.json");
  const auto runs = nlohmann::json::parse(in);
  EXPECT_EQ(runs[0]["gpu_clocks"], "1410MHz");
  EXPECT_EQ(gpu0(), "limit_mw=350000 clocks=0-0");
}

TEST_F(GpuCli, SigtermMidRunRestoresTheLimit) {
  const Result r = signalled(run("--power-limit 200W", 3000), "TERM");
  EXPECT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("greenbatch: interrupted;"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("greenbatch: restored GPU 0"), std::string::npos) << r.output;
  EXPECT_EQ(gpu0(), "limit_mw=350000 clocks=0-0");
  EXPECT_FALSE(fs::exists(state()));
}

TEST_F(GpuCli, AfterASigkillTheNextStartRestores) {
  const Result killed = signalled(run("--power-limit 200W --gpu-clocks 1410MHz", 3000), "KILL");
  EXPECT_NE(killed.output.find("rc=137"), std::string::npos) << killed.output;
  ASSERT_EQ(gpu0(), "limit_mw=200000 clocks=1410-1410");  // left as the killed process set it
  const std::string pid = killed.output.substr(
      killed.output.find("pid=") + 4, killed.output.find('\n') - killed.output.find("pid=") - 4);
  EXPECT_NE(read(state()).find("\"pid\": " + pid), std::string::npos) << read(state());
  const Result listed = greenbatch("devices --wide");
  EXPECT_NE(listed.output.find("gone: the next start restores it"), std::string::npos)
      << listed.output;
  const Result next = greenbatch("models");
  ASSERT_EQ(next.code, 0) << next.output;
  EXPECT_NE(next.output.find("greenbatch: restored GPU 0 (Fake GPU (greenbatch tests), "
                             "GPU-00000000-fake-0000): power limit back to 350 W; locked clocks "
                             "reset"),
            std::string::npos)
      << next.output;
  EXPECT_NE(next.output.find("(left by pid " + pid), std::string::npos) << next.output;
  EXPECT_EQ(gpu0(), "limit_mw=350000 clocks=0-0");
  EXPECT_FALSE(fs::exists(state()));
}

// Another live process holds the GPU (this test's own, named in the state file): nothing of its
// is touched, by a start, by devices --restore, or by a run that would set the same GPU.
TEST_F(GpuCli, ALiveHoldersSettingIsLeftAlone) {
  std::ofstream(fake_state()) << "limit_mw=250000 clocks=0-0\n";
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::ofstream(state()) << "{\"format\": \"greenbatch-gpu-state/1\", \"gpus\": [{\"uuid\": "
                            "\"GPU-00000000-fake-0000\", \"host\": \""
                         << host << "\", \"pid\": " << getpid()
                         << ", \"start_ticks\": 0, \"original_limit_mw\": 350000, "
                            "\"clocks_locked\": false, \"since\": \"2026-01-01T00:00:00Z\"}]}";
  const Result by_hand = greenbatch("devices --restore");
  EXPECT_EQ(by_hand.code, 0) << by_hand.output;
  EXPECT_NE(by_hand.output.find("GPU-00000000-fake-0000: held by pid " + std::to_string(getpid()) +
                                " on host " + host +
                                " (since 2026-01-01T00:00:00Z), which is "
                                "running: left alone"),
            std::string::npos)
      << by_hand.output;
  const Result refused = greenbatch(run("--power-limit 200W"));
  EXPECT_EQ(refused.code, 2) << refused.output;
  EXPECT_NE(refused.output.find("held by pid " + std::to_string(getpid())), std::string::npos)
      << refused.output;
  EXPECT_FALSE(fs::exists(out_));
  EXPECT_EQ(gpu0(), "limit_mw=250000 clocks=0-0");
  EXPECT_NE(read(state()).find("\"pid\": " + std::to_string(getpid())), std::string::npos);
}

TEST_F(GpuCli, RefusalsAreOneLineBeforeAnythingRuns) {
  struct Case {
    std::string args, script, expect;
    const char* nvml_dir = GB_FAKE_NVML_DIR;
  };
  const Case cases[] = {
      {run("--power-limit 200W"), "root=0",
       "error: GPU 0 (Fake GPU (greenbatch tests), GPU-00000000-fake-0000): setting the power "
       "limit needs root: NVML says Insufficient Permissions (NVML error 4)"},
      {run("--gpu-clocks 1410MHz"), "root=0", "locking the clocks at 1410 MHz needs root"},
      {run("--power-limit 50W"), "",
       "error: power limit 50 W is out of range for GPU 0 (Fake GPU (greenbatch tests), "
       "GPU-00000000-fake-0000): it accepts 100 to 400 W"},
      {run("--gpu-clocks 3000MHz"), "", "its graphics clock goes up to 1980 MHz"},
      {run("--power-limit 200"), "", "error: --power-limit: '200' needs the unit W (e.g. 200W)"},
      {run("--power-limit 200W"), "",
       "lacks nvmlDeviceGetPowerManagementLimitConstraints (driver too old)", GB_FAKE_NVML_OLD_DIR},
      {"run --model noop --rate 200 --requests 50 --idle-seconds 0 --out " + out_ +
           " --power-limit 200W",
       "", "the device is cpu: run on --device cuda:N, or name the GPU with --gpu-index"},
  };
  for (const Case& c : cases) {
    const Result r = gb::testing::greenbatch(c.args, env(c.script, c.nvml_dir));
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(fs::exists(out_)) << c.args;
    EXPECT_FALSE(fs::exists(state())) << c.args;
    EXPECT_TRUE(gpu0().empty() || gpu0() == "limit_mw=350000 clocks=0-0") << gpu0();
  }
  // Without the option, the driver without the calls measures as before.
  const Result plain = gb::testing::greenbatch(run(""), env("", GB_FAKE_NVML_OLD_DIR));
  EXPECT_EQ(plain.code, 0) << plain.output;
}

// The grid's dimension in a sweep, and a profile under a setting, which simulate takes for the
// configurations of that setting only.
TEST_F(GpuCli, SweepGridAndProfileCarryTheSetting) {
  const fs::path file = dir_ / "gpu.toml";
  std::ofstream(file) << "[experiment]\nrequests = 100\nwarmup_batches = 0\nidle_seconds = 0.2\n"
                         "meter = \"nvml\"\ndevice = \"cuda:0\"\n[grid]\nmodels = [\"noop\"]\n"
                         "rates = [200]\narrival = [\"constant\"]\npolicies = [\"fixed:10\"]\n"
                         "power_limits = [\"default\", \"150W\"]\n";
  const Result sweep = greenbatch("sweep " + file.string() + " --out " + out_);
  ASSERT_EQ(sweep.code, 0) << sweep.output;
  EXPECT_NE(sweep.output.find("fixed:10 constant 200/s (power_limit=150W)"), std::string::npos)
      << sweep.output;
  const Result csv = greenbatch("export " + out_ + " --csv " + (dir_ / "x.csv").string());
  ASSERT_EQ(csv.code, 0) << csv.output;
  const std::string rows = read(dir_ / "x.csv");
  EXPECT_NE(rows.find(",power_limit,"), std::string::npos);
  EXPECT_NE(rows.find(",150W,"), std::string::npos);
  EXPECT_EQ(gpu0(), "limit_mw=350000 clocks=0-0");
  // The report names the setting of what it recommends and, in the lever table, what the setting
  // alone changed (the figures are the fake's, checked here for their plumbing only).
  const Result report =
      greenbatch("report " + out_ + " --slo 10s --out " + (dir_ / "rep").string());
  ASSERT_EQ(report.code, 0) << report.output;
  EXPECT_NE(report.output.find("fixed:10, 150W limit"), std::string::npos) << report.output;
  EXPECT_NE(report.output.find("Each lever alone and all combined"), std::string::npos)
      << report.output;
  // Without a greedy run there is no default configuration to state savings against.
  EXPECT_NE(report.output.find("noop 200/s: default (greedy with every lever at its default) not "
                               "measured"),
            std::string::npos)
      << report.output;

  const std::string profile = (dir_ / "noop-150W.json").string();
  const Result prof = greenbatch(
      "profile --model noop --device cuda:0 --meter nvml --batch-sizes 1,10 --window 20ms "
      "--windows 2 --settle 10ms --idle-seconds 0.2 --power-limit 150W --out " +
      profile);
  ASSERT_EQ(prof.code, 0) << prof.output;
  const auto doc = nlohmann::json::parse(read(profile));
  EXPECT_EQ(doc["levers"]["power_limit"], "150W");
  EXPECT_NEAR(doc["idle_power_w"].get<double>(), 150, 2);
  EXPECT_EQ(gpu0(), "limit_mw=350000 clocks=0-0");
  const Result mismatch = greenbatch("simulate " + file.string() + " -p " + profile + " --out " +
                                     (dir_ / "sim").string());
  EXPECT_EQ(mismatch.code, 2) << mismatch.output;
  EXPECT_NE(mismatch.output.find("no --profile for model 'noop' with every lever at its default (" +
                                 profile + " measured other lever values"),
            std::string::npos)
      << mismatch.output;
  std::string text = read(file);
  text.replace(text.find("\"default\", "), 11, "");
  std::ofstream(file) << text;
  const Result sim = greenbatch("simulate " + file.string() + " -p " + profile + " --out " +
                                (dir_ / "sim").string());
  ASSERT_EQ(sim.code, 0) << sim.output;
  const Result simulated =
      greenbatch("export " + (dir_ / "sim").string() + " --csv " + (dir_ / "sim.csv").string());
  ASSERT_EQ(simulated.code, 0) << simulated.output;
  EXPECT_NE(read(dir_ / "sim.csv").find(",150W,"), std::string::npos) << read(dir_ / "sim.csv");
}

}  // namespace
