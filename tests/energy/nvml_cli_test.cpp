// greenbatch with the fake NVML on its library path: `devices` reports the GPU, `run --meter nvml`
// measures it, and a GPU lost mid-run ends the run with exit 1 and keeps what was measured, marked
// incomplete.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

using Result = gb::testing::CommandResult;

// build/greenbatch ARGS with `env` in front (argument order kept from the calls below).
Result greenbatch(const std::string& env, const std::string& args) {
  return gb::testing::greenbatch(args, env);
}

std::string fake(const std::string& script) {
  return std::string("LD_LIBRARY_PATH=") + GB_FAKE_NVML_DIR + " GB_FAKE_NVML='" + script + "'";
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

class NvmlCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = gb::testing::scratch_dir("nvml-cli"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(NvmlCli, DevicesListsTheGpuWithNameLimitAndMethod) {
  const Result r = greenbatch(fake("limit=700"), "devices");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("nvml gpu0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nvml-energy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Fake GPU (greenbatch tests), enforced power limit 700 W"),
            std::string::npos)
      << r.output;
}

TEST_F(NvmlCli, DevicesWithoutADriverSaysSo) {
  if (void* real = dlopen("libnvidia-ml.so.1", RTLD_NOW)) {
    dlclose(real);
    GTEST_SKIP() << "this machine has a real NVIDIA driver";
  }
  const Result r = greenbatch("", "devices");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("no NVIDIA driver: libnvidia-ml.so.1 cannot be loaded"),
            std::string::npos)
      << r.output;
  const Result nvml =
      greenbatch("", "run --model noop --rate 100 --requests 10 --meter nvml --out " +
                         (dir_ / "out").string());
  EXPECT_EQ(nvml.code, 2) << nvml.output;
  EXPECT_NE(nvml.output.find("meter 'nvml' unavailable: no NVIDIA driver"), std::string::npos)
      << nvml.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(NvmlCli, RunMeasuresTheGpuWithItsCounterAndIdleBaseline) {
  const fs::path out = dir_ / "out";
  const Result r = greenbatch(fake("power=120;temperature=58"),
                              "run --model noop --rate 200 --requests 200 --policy fixed:10 "
                              "--meter nvml --idle-seconds 0.5 --out " +
                                  out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("energy method: nvml-energy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gpu0 (nvml-energy): Fake GPU"), std::string::npos) << r.output;
  const auto doc = read_json(out / "summary.json")[0];
  EXPECT_EQ(doc["energy_method"], "nvml-energy");
  EXPECT_EQ(doc["complete"], true);
  EXPECT_EQ(doc["energy_domains"][0]["domain"], "gpu0");
  // A constant 120 W draw: the counter over the run window, and the idle baseline, are 120 W.
  EXPECT_NEAR(doc["energy_domains"][0]["energy_j"].get<double>() / doc["Time(s)"].get<double>(),
              120.0, 120.0 * 0.02);
  EXPECT_NEAR(doc["idle_power_w"].get<double>(), 120.0, 1.2);
  EXPECT_NEAR(doc["energy_dynamic_j"].get<double>(), 0.0, 0.02 * doc["Energy(J)"].get<double>());
  // A constant draw settles at once; the GPU's temperature is read at the run's start.
  EXPECT_EQ(doc["idle_baseline"]["settled"], true);
  EXPECT_EQ(doc["gpu_temperature_c"], 58.0);
  EXPECT_EQ(doc["valid_for_energy"], true);
}

// --device cuda:0 on a machine whose CUDA driver (the fake, named by GB_LIBCUDA) puts NVML's GPU 1
// first: the run measures GPU 1, and its summary says which rule chose it.
TEST_F(NvmlCli, RunOnACudaDeviceMeasuresTheGpuThatDeviceIs) {
  const fs::path out = dir_ / "out";
  const std::string env = fake("gpus=2;powers=100,250;bus_ids=00000000:3B:00.0,00000000:AF:00.0") +
                          " GB_LIBCUDA=" + GB_FAKE_CUDA_LIB +
                          " GB_FAKE_CUDA='bus_ids=0000:3b:00.0,0000:af:00.0;order=1,0'";
  const Result r = greenbatch(env,
                              "run --model noop --device cuda:0 --rate 200 --requests 100 "
                              "--policy fixed:10 --meter nvml --idle-seconds 0.2 --out " +
                                  out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto doc = read_json(out / "summary.json")[0];
  EXPECT_EQ(doc["energy_domains"][0]["domain"], "gpu1");
  EXPECT_NEAR(doc["idle_power_w"].get<double>(), 250.0, 2.5);
  EXPECT_NE(doc["energy_domains"][0]["measures"].get<std::string>().find(
                "GPU chosen by PCI bus id 00000000:AF:00.0: cuda:0 as this process's CUDA driver"),
            std::string::npos)
      << doc["energy_domains"][0].dump();
}

TEST_F(NvmlCli, GpuLostMidRunKeepsAnIncompleteRecordAndFails) {
  const fs::path out = dir_ / "out";
  const Result r = greenbatch(fake("power=120;lost_after=0.4"),
                              "run --model noop --rate 100 --requests 150 --policy fixed:10 "
                              "--meter nvml --idle-seconds 0 --out " +
                                  out.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("was lost"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("complete=false"), std::string::npos) << r.output;
  const auto doc = read_json(out / "summary.json")[0];
  EXPECT_EQ(doc["complete"], false);
  EXPECT_NE(doc["incomplete_reason"].get<std::string>().find("GPU 0"), std::string::npos);
  // Energy only up to the loss, integrated from the power samples and labelled so.
  EXPECT_EQ(doc["energy_method"], "nvml-power");
  EXPECT_GT(doc["Energy(J)"].get<double>(), 0.0);
  EXPECT_LT(doc["Energy(J)"].get<double>(), 120.0 * 0.6);
}

// validate used to score a run whose meter failed mid-run as if it were complete: through the
// campaign it now stops with the reason, like run and sweep.
TEST_F(NvmlCli, ValidateRefusesToScoreARunWhoseMeterFailed) {
  const fs::path profile = dir_ / "noop.json";
  const Result prof =
      greenbatch("",
                 "profile --model noop --batch-sizes 1,10 --window 20ms --windows 2 --settle 10ms "
                 "--idle-seconds 0.1 --out " +
                     profile.string());
  ASSERT_EQ(prof.code, 0) << prof.output;
  const fs::path file = dir_ / "lost.toml";
  std::ofstream(file) << "[experiment]\nrequests = 150\nwarmup_batches = 0\nidle_seconds = 0\n"
                         "meter = \"nvml\"\n[grid]\nmodels = [\"noop\"]\nrates = [100]\n"
                         "arrival = [\"constant\"]\npolicies = [\"fixed:10\"]\n";
  const Result r = greenbatch(fake("power=120;lost_after=0.4"),
                              "validate " + file.string() + " -p " + profile.string() + " -r 1");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("was lost"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("complete=false"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("worst |error|"), std::string::npos) << r.output;
}

}  // namespace
