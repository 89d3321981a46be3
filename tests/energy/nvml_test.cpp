// The NVML meter against the fake libnvidia-ml.so.1 (tests/energy/fake_nvml.cpp), loaded through
// LD_LIBRARY_PATH as the real library would be. Each energy path must land within 1 % of the
// scripted truth: the counter, field 186 integrated, GetPowerUsage integrated.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/errors.h"
#include "energy/meters.h"
#include "energy/nvml_meter.h"
#include "energy/sampler.h"
#include "results/energy_account.h"
#include "test_paths.h"

namespace gb {
namespace {

using std::chrono::milliseconds;

// The fake's own record of what it was scripted to draw between two steady-clock instants.
double true_energy_j(SteadyClock::time_point t0, SteadyClock::time_point t1) {
  void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(lib, nullptr) << "the fake NVML is not loaded";
  using Fn = double (*)(long long, long long);
  auto fn = reinterpret_cast<Fn>(dlsym(lib, "gbFakeNvmlTrueEnergyJ"));
  EXPECT_NE(fn, nullptr) << "libnvidia-ml.so.1 is not the fake (check LD_LIBRARY_PATH)";
  return fn ? fn(t0.time_since_epoch().count(), t1.time_since_epoch().count()) : 0;
}

struct Measured {
  EnergyAccount account;
  double truth_j = 0;
  std::string description;
  std::optional<Nanos> update_period;
};

Measured measure(const std::string& script, milliseconds window) {
  setenv("GB_FAKE_NVML", script.c_str(), 1);
  MeterOptions o;
  o.kind = "nvml";
  auto meters = open_meters(o);
  EXPECT_EQ(meters.size(), 1u);
  const auto origin = SteadyClock::now();
  PowerSampler sampler({meters[0].get()}, milliseconds(10), origin);
  sampler.start();
  const EnergyReading begin = sampler.read_energy();
  std::this_thread::sleep_for(window);
  const EnergyReading end = sampler.read_energy();
  sampler.stop();
  EXPECT_FALSE(sampler.error()) << *sampler.error();
  Measured m;
  m.account = account_energy(sampler, sampler.samples(), begin, end);
  m.truth_j = true_energy_j(origin + begin.t, origin + end.t);
  m.description = meters[0]->description();
  m.update_period = meters[0]->counter_update_period();
  return m;
}

// The relative error of a measurement against the fake's truth, for the failure messages.
std::string error_of(const Measured& m) {
  return "measured " + std::to_string(m.account.gross_j()) + " J, true " +
         std::to_string(m.truth_j) + " J, error " +
         std::to_string(100 * (m.account.gross_j() - m.truth_j) / m.truth_j) + " %; " +
         m.description;
}

// A GPU whose counter advances every 100 ms and whose GetPowerUsage is a 1 s mean (Ampere and
// newer). The window is 1.55 s, not a whole number of ticks: read at the counter's edges it would
// be off by half a tick (50 ms of 1.55 s, 3 %) whatever the phase; aligned edges make it exact
// to the few milliseconds of one poll.
constexpr char kRealisticGpu[] = "tick=0.1;tick_phase=0.09;power_avg=1;";
constexpr milliseconds kWindow(1550);

TEST(FakeNvmlTicks, CounterWindowIsExactAtConstantPower) {
  const Measured m = measure(std::string(kRealisticGpu) + "power=150", kWindow);
  EXPECT_EQ(m.account.method(), "nvml-energy");
  EXPECT_NEAR(m.account.gross_j(), m.truth_j, 0.01 * m.truth_j) << error_of(m);
  EXPECT_GE(m.truth_j, 150 * 1.5);  // the window really was at least 1.5 s
  EXPECT_TRUE(m.account.warnings.empty()) << m.account.warnings[0];
}

TEST(FakeNvmlTicks, CounterWindowIsExactOnASquareWave) {
  // 80 W / 220 W, period 370 ms: no multiple of the tick, so power changes inside the ticks at
  // the window's edges in most runs.
  const Measured m = measure(std::string(kRealisticGpu) + "low=80;high=220;period=0.37", kWindow);
  EXPECT_EQ(m.account.method(), "nvml-energy");
  EXPECT_NEAR(m.account.gross_j(), m.truth_j, 0.01 * m.truth_j) << error_of(m);
}

TEST(FakeNvmlTicks, CounterWindowStaysExactWhenTheReaderStalls) {
  // Every 130 ms the reading thread loses 50 ms inside a counter read, as on a loaded machine:
  // the edges move to after the stall instead of guessing across it.
  const Measured m = measure(
      std::string(kRealisticGpu) + "low=80;high=220;period=0.37;stall_ms=50;stall_every=0.13",
      kWindow);
  EXPECT_EQ(m.account.method(), "nvml-energy");
  EXPECT_NEAR(m.account.gross_j(), m.truth_j, 0.01 * m.truth_j) << error_of(m);
  // The stalls also hit the start-up measurement of the period, which only paces the edges.
  ASSERT_TRUE(m.update_period);
  EXPECT_NEAR(to_millis(*m.update_period), 100.0, 40.0);
}

TEST(FakeNvmlTicks, UpdatePeriodIsMeasuredAndShown) {
  setenv("GB_FAKE_NVML", (std::string(kRealisticGpu) + "power=150").c_str(), 1);
  MeterOptions o;
  o.kind = "nvml";
  auto meters = open_meters(o);
  ASSERT_TRUE(meters[0]->counter_update_period());
  // A median of a few gaps between updates: late polls on a loaded machine move it a little.
  EXPECT_NEAR(to_millis(*meters[0]->counter_update_period()), 100.0, 15.0);
  EXPECT_NE(meters[0]->description().find("counter (updates every "), std::string::npos)
      << meters[0]->description();
}

TEST(FakeNvmlTicks, WindowShorterThanTenUpdatesIsFlagged) {
  const Measured m = measure(std::string(kRealisticGpu) + "power=150", milliseconds(300));
  ASSERT_EQ(m.account.warnings.size(), 1u);
  EXPECT_NE(m.account.warnings[0].find("gpu0: window of "), std::string::npos)
      << m.account.warnings[0];
  EXPECT_NE(m.account.warnings[0].find("shorter than 10 updates"), std::string::npos)
      << m.account.warnings[0];
  EXPECT_EQ(m.account.method(), "nvml-energy");  // flagged, never replaced by power x time
}

TEST(FakeNvml, EnergyCounterAtConstantPower) {
  const Measured m = measure("power=150", milliseconds(500));
  EXPECT_EQ(m.account.method(), "nvml-energy");
  EXPECT_NEAR(m.account.gross_j(), m.truth_j, 0.01 * m.truth_j);
  EXPECT_NEAR(m.truth_j, 150 * 0.5, 150 * 0.05);  // the window really was about 0.5 s
  EXPECT_NE(m.description.find("Fake GPU"), std::string::npos) << m.description;
  EXPECT_NE(m.description.find("power limit 350 W"), std::string::npos) << m.description;
  EXPECT_NE(m.description.find("total-energy counter"), std::string::npos) << m.description;
}

TEST(FakeNvml, EnergyCounterAcrossAPowerStep) {
  const Measured m = measure("power=100;step_at=0.3;step_power=300", milliseconds(600));
  EXPECT_EQ(m.account.method(), "nvml-energy");
  EXPECT_NEAR(m.account.gross_j(), m.truth_j, 0.01 * m.truth_j);
}

TEST(FakeNvml, WithoutCounterField186IsIntegrated) {
  const Measured m = measure("counter=0;power=100;step_at=0.3;step_power=300", milliseconds(600));
  EXPECT_EQ(m.account.method(), "nvml-power");
  EXPECT_NE(m.description.find("field 186"), std::string::npos) << m.description;
  EXPECT_NEAR(m.account.gross_j(), m.truth_j, 0.01 * m.truth_j);
}

TEST(FakeNvml, WithoutCounterOrFieldPowerUsageIsIntegrated) {
  const Measured m =
      measure("counter=0;field186=0;power=100;step_at=0.3;step_power=300", milliseconds(600));
  EXPECT_EQ(m.account.method(), "nvml-power");
  EXPECT_NE(m.description.find("nvmlDeviceGetPowerUsage"), std::string::npos) << m.description;
  EXPECT_NEAR(m.account.gross_j(), m.truth_j, 0.01 * m.truth_j);
}

TEST(FakeNvml, TemperatureIsTheGpuSensorsAndUnknownWithoutIt) {
  MeterOptions o;
  o.kind = "nvml";
  setenv("GB_FAKE_NVML", "temperature=67", 1);
  auto meters = open_meters(o);
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0]->temperature_c(), std::optional<double>(67.0));
  meters.clear();  // NVML re-reads the script at its next init
  setenv("GB_FAKE_NVML", "temperature=-1", 1);
  meters = open_meters(o);
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0]->temperature_c(), std::nullopt);  // no sensor: unknown, not an error
}

TEST(FakeNvml, LostGpuStopsSamplingWithAClearError) {
  setenv("GB_FAKE_NVML", "power=150;lost_after=0.2", 1);
  MeterOptions o;
  o.kind = "nvml";
  auto meters = open_meters(o);
  PowerSampler sampler({meters[0].get()}, milliseconds(10), SteadyClock::now());
  sampler.start();
  sampler.read_energy();
  std::this_thread::sleep_for(milliseconds(400));
  sampler.stop();
  ASSERT_TRUE(sampler.error());
  EXPECT_NE(sampler.error()->find("GPU 0 (Fake GPU (greenbatch tests)) was lost"),
            std::string::npos)
      << *sampler.error();
  EXPECT_FALSE(sampler.samples().empty());  // what was measured before stays
  EXPECT_THROW(sampler.read_energy(), RunError);
}

TEST(FakeNvml, DriverNotLoadedIsExplainedAndNvmlRefused) {
  setenv("GB_FAKE_NVML", "init=fail", 1);
  const MeterOptions defaults;  // a named object: a temporary makes GCC 12 warn falsely
  const auto status = probe_meters(defaults);
  ASSERT_FALSE(status.empty());
  EXPECT_EQ(status[0].name, "nvml");
  EXPECT_FALSE(status[0].available);
  EXPECT_NE(status[0].detail.find("nvmlInit failed: Driver Not Loaded"), std::string::npos)
      << status[0].detail;
  MeterOptions o;
  o.kind = "nvml";
  EXPECT_THROW(open_meters(o), UsageError);
}

TEST(FakeNvml, ProbeListsEveryGpu) {
  setenv("GB_FAKE_NVML", "gpus=2;limit=700", 1);
  const MeterOptions defaults;
  const auto status = probe_meters(defaults);
  ASSERT_GE(status.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(status[i].name, "nvml gpu" + std::to_string(i));
    EXPECT_TRUE(status[i].available);
    EXPECT_EQ(status[i].method, "nvml-energy");
    EXPECT_NE(status[i].detail.find("power limit 700 W"), std::string::npos) << status[i].detail;
  }
}

TEST(FakeNvml, AutoOnACudaDeviceMeasuresThatGpuAndTheCpuPackage) {
  setenv("GB_FAKE_NVML", "gpus=2", 1);
  const auto root = testing::scratch_dir("nvml-powercap");
  std::filesystem::create_directories(root / "intel-rapl:0");
  std::ofstream(root / "intel-rapl:0" / "name") << "package-0\n";
  std::ofstream(root / "intel-rapl:0" / "energy_uj") << "1000\n";
  std::ofstream(root / "intel-rapl:0" / "max_energy_range_uj") << "262143328850\n";
  MeterOptions o;
  o.device = Device::parse("cuda:1");
  o.powercap_root = root.string();
  auto meters = open_meters(o);
  ASSERT_EQ(meters.size(), 2u);
  EXPECT_EQ(meters[0]->domain(), "gpu1");
  EXPECT_EQ(meters[1]->domain(), "package-0");
  // --gpu-index wins over the device's index; a CPU device under auto does not open NVML.
  o.gpu_index = 0;
  EXPECT_EQ(open_meters(o)[0]->domain(), "gpu0");
  o.device = Device::parse("cpu");
  EXPECT_EQ(open_meters(o)[0]->domain(), "package-0");
  o.kind = "nvml,rapl";
  EXPECT_EQ(open_meters(o).size(), 2u);
  std::filesystem::remove_all(root);
}

TEST(FakeNvml, GpuIndexOutOfRangeIsAUsageError) {
  setenv("GB_FAKE_NVML", "gpus=1", 1);
  MeterOptions o;
  o.kind = "nvml";
  o.gpu_index = 3;
  try {
    open_meters(o);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("GPU index 3 out of range: NVML sees 1 GPU(s)"),
              std::string::npos)
        << e.what();
  }
}

TEST(FakeNvml, GpuChosenByUuidOrPciBusIdIsThatGpuWhateverItsIndex) {
  // NVML's order is the reverse of CUDA's here: CUDA's first GPU (UUID ...-cuda0) is NVML's 1.
  setenv("GB_FAKE_NVML",
         "gpus=2;powers=100,250;uuids=GPU-11111111-cuda1,GPU-00000000-cuda0;"
         "bus_ids=00000000:3B:00.0,00000000:AF:00.0",
         1);
  MeterOptions o;
  o.kind = "nvml";
  o.device = Device::parse("cuda:0");
  o.gpu_id = "GPU-00000000-cuda0";
  auto meters = open_meters(o);
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0]->domain(), "gpu1");
  EXPECT_DOUBLE_EQ(meters[0]->sample_power_w(), 250.0);
  EXPECT_NE(meters[0]->description().find("GPU-00000000-cuda0"), std::string::npos)
      << meters[0]->description();
  // By PCI bus id (hex digits in either case), and the id wins over gpu_index.
  o.gpu_id = "00000000:3b:00.0";
  o.gpu_index = 1;
  meters = open_meters(o);
  EXPECT_EQ(meters[0]->domain(), "gpu0");
  EXPECT_DOUBLE_EQ(meters[0]->sample_power_w(), 100.0);
  // Without an id, the index as before: NVML's GPU 0 (the wrong one for cuda:0 here).
  o.gpu_id.reset();
  o.gpu_index.reset();
  EXPECT_DOUBLE_EQ(open_meters(o)[0]->sample_power_w(), 100.0);
}

TEST(FakeNvml, UnknownGpuIdOrMigInstanceIsAUsageError) {
  setenv("GB_FAKE_NVML", "gpus=2", 1);
  MeterOptions o;
  o.kind = "nvml";
  o.gpu_id = "GPU-deadbeef";
  try {
    open_meters(o);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("NVML knows no GPU with UUID GPU-deadbeef: Not Found"),
              std::string::npos)
        << e.what();
  }
  o.gpu_id = "MIG-4f1c2a3b-0000";
  try {
    open_meters(o);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("is a MIG instance"), std::string::npos) << e.what();
  }
}

TEST(FakeNvml, UnknownAndMixedMeterKindsAreRefused) {
  MeterOptions o;
  o.kind = "nvml,estimate";
  EXPECT_THROW(open_meters(o), UsageError);
  o.kind = "joulemeter";
  EXPECT_THROW(open_meters(o), UsageError);
}

}  // namespace
}  // namespace gb
