// A fake libnvidia-ml.so.1 for the tests: the NVML entry points greenbatch resolves, driven by a
// script in the environment variable GB_FAKE_NVML, read at every nvmlInit. greenbatch loads it
// through LD_LIBRARY_PATH exactly as it would load NVIDIA's library.
//
// Script: semicolon-separated key=value, all optional:
//   power=W         power before the step (default 150)
//   step_at=S       seconds after nvmlInit when power changes to step_power (default: never)
//   step_power=W
//   counter=0|1     total-energy counter supported (default 1)
//   field186=0|1    instant-power field supported (default 1; 0 reports NOT_SUPPORTED per field)
//   lost_after=S    seconds after nvmlInit from which every device call returns GPU_IS_LOST
//   gpus=N          device count (default 1)
//   limit=W         enforced power limit (default 350)
//   init=fail       nvmlInit returns DRIVER_NOT_LOADED
// Power is exact: the counter is the integral of the scripted power since nvmlInit, and
// gbFakeNvmlTrueEnergyJ gives the truth for any window on CLOCK_MONOTONIC (= std::steady_clock).
#include <time.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "energy/nvml_api.h"

namespace {

using gb::nvml::Return;

struct Script {
  double power = 150, step_at = INFINITY, step_power = 150;
  bool counter = true, field186 = true, init_fails = false;
  double lost_after = INFINITY;
  unsigned gpus = 1;
  double limit = 350;
};

Script script;
long long init_ns = 0;
int devices[16];

long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

double since_init_s(long long t_ns) { return static_cast<double>(t_ns - init_ns) * 1e-9; }

double power_at(double t) { return t < script.step_at ? script.power : script.step_power; }

// Integral of the scripted power over [0, t] seconds since init.
double energy_until(double t) {
  if (t <= 0) return 0;
  if (t <= script.step_at) return script.power * t;
  return script.power * script.step_at + script.step_power * (t - script.step_at);
}

void parse_script() {
  script = Script{};
  const char* env = std::getenv("GB_FAKE_NVML");
  std::string text = env ? env : "";
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(';', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    const double v = std::atof(value.c_str());
    if (key == "power") script.power = script.step_power = v;
    if (key == "step_at") script.step_at = v;
    if (key == "step_power") script.step_power = v;
    if (key == "counter") script.counter = v != 0;
    if (key == "field186") script.field186 = v != 0;
    if (key == "lost_after") script.lost_after = v;
    if (key == "gpus") script.gpus = static_cast<unsigned>(v);
    if (key == "limit") script.limit = v;
    if (key == "init") script.init_fails = value == "fail";
  }
}

bool lost() { return since_init_s(now_ns()) >= script.lost_after; }

}  // namespace

extern "C" {

Return nvmlInit_v2() {
  parse_script();
  if (script.init_fails) return gb::nvml::kErrorDriverNotLoaded;
  init_ns = now_ns();
  return gb::nvml::kSuccess;
}

Return nvmlShutdown() { return gb::nvml::kSuccess; }

Return nvmlSystemGetDriverVersion(char* version, unsigned length) {
  std::snprintf(version, length, "999.99-fake");
  return gb::nvml::kSuccess;
}

const char* nvmlErrorString(Return r) {
  switch (r) {
    case gb::nvml::kSuccess:
      return "Success";
    case gb::nvml::kErrorNotSupported:
      return "Not Supported";
    case gb::nvml::kErrorDriverNotLoaded:
      return "Driver Not Loaded";
    case gb::nvml::kErrorGpuIsLost:
      return "GPU is lost";
    default:
      return "Unknown Error";
  }
}

Return nvmlDeviceGetCount_v2(unsigned* count) {
  *count = script.gpus;
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetHandleByIndex_v2(unsigned index, gb::nvml::Device* device) {
  if (index >= script.gpus || index >= 16) return gb::nvml::kErrorInvalidArgument;
  *device = reinterpret_cast<gb::nvml::Device>(&devices[index]);
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetName(gb::nvml::Device, char* name, unsigned length) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  std::snprintf(name, length, "Fake GPU (greenbatch tests)");
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetEnforcedPowerLimit(gb::nvml::Device, unsigned* milliwatts) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  *milliwatts = static_cast<unsigned>(script.limit * 1000);
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetPowerUsage(gb::nvml::Device, unsigned* milliwatts) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  *milliwatts = static_cast<unsigned>(std::lround(power_at(since_init_s(now_ns())) * 1000));
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetTotalEnergyConsumption(gb::nvml::Device, unsigned long long* millijoules) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  if (!script.counter) return gb::nvml::kErrorNotSupported;
  // An arbitrary non-zero origin, as on real GPUs (energy since the driver loaded).
  *millijoules =
      123456789ULL + static_cast<unsigned long long>(energy_until(since_init_s(now_ns())) * 1000);
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetFieldValues(gb::nvml::Device, int count, gb::nvml::FieldValue* values) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  for (int i = 0; i < count; ++i) {
    gb::nvml::FieldValue& f = values[i];
    f.timestamp = now_ns() / 1000;
    if (f.field_id == gb::nvml::kFieldPowerInstant && script.field186) {
      f.value_type = gb::nvml::kUnsigned;
      f.value.u = static_cast<unsigned>(std::lround(power_at(since_init_s(now_ns())) * 1000));
      f.nvml_return = gb::nvml::kSuccess;
    } else {
      f.nvml_return = gb::nvml::kErrorNotSupported;
    }
  }
  return gb::nvml::kSuccess;
}

// Test hook, not NVML: the scripted energy in J between two CLOCK_MONOTONIC instants.
double gbFakeNvmlTrueEnergyJ(long long t0_ns, long long t1_ns) {
  return energy_until(since_init_s(t1_ns)) - energy_until(since_init_s(t0_ns));
}

}  // extern "C"
