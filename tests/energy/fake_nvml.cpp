// A fake libnvidia-ml.so.1 for the tests: the NVML entry points greenbatch resolves, driven by a
// script in the environment variable GB_FAKE_NVML, read at every nvmlInit. greenbatch loads it
// through LD_LIBRARY_PATH exactly as it would load NVIDIA's library.
//
// Script: semicolon-separated key=value, all optional. The true power p(t), t in seconds since
// nvmlInit (p(t < 0) = p(0), the GPU drew it before we looked):
//   power=W         constant power, or the power before the step (default 150)
//   step_at=S       seconds after nvmlInit when power changes to step_power (default: never)
//   step_power=W
//   low=W;high=W;period=S
//                   a square wave instead: `high` for the first half of each period, then `low`
//   powers=W,W,...  a constant power per GPU index instead (the others: p(t) above)
// What NVML reports of it, as on real GPUs (defaults: exact, as a test of the plumbing wants):
//   tick=S          the total-energy counter advances only every S seconds (Ampere/Hopper: ~0.02 to
//                   0.1 s): a read returns the integral of p up to the last tick. 0 (default):
//                   exact at every read.
//   tick_phase=S    the first tick's offset from nvmlInit (default 0)
//   power_avg=S     nvmlDeviceGetPowerUsage is the trailing S-second mean of p (Ampere and newer:
//                   1). 0 (default): p now. Field 186 is always p now (NVML_FI_DEV_POWER_INSTANT).
// Faults and devices:
//   counter=0|1     total-energy counter supported (default 1)
//   field186=0|1    instant-power field supported (default 1; 0 reports NOT_SUPPORTED per field)
//   lost_after=S    seconds after nvmlInit from which every device call returns GPU_IS_LOST
//   gpus=N          device count (default 1)
//   uuids=U,U,...   each index's UUID (default GPU-00000000-fake-000N)
//   bus_ids=B,B,... each index's PCI bus id (default 00000000:0N:00.0)
//   limit=W         enforced power limit (default 350)
//   temperature=C   the GPU sensor's reading in whole degrees (default 45); a negative C reports
//                   NOT_SUPPORTED, as a GPU without the sensor does
//   init=fail       nvmlInit returns DRIVER_NOT_LOADED
//   stall_ms=M;stall_every=S
//                   the first counter read in each S seconds first sleeps M ms: the caller's thread
//                   stalled (a loaded machine), at a place a test cannot choose otherwise
// gbFakeNvmlTrueEnergyJ / gbFakeNvmlTrueEnergyOfGpuJ give the truth, the integral of p, for any
// window on CLOCK_MONOTONIC (= std::steady_clock). The time base is that real clock, so a test's
// tolerance must come from this model's math, not from how promptly its threads run.
#include <strings.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "energy/nvml_api.h"

namespace {

using gb::nvml::Return;

constexpr unsigned kMaxGpus = 16;

struct Script {
  double power = 150, step_at = INFINITY, step_power = 150;
  double low = 0, high = 0, period = 0;  // square wave when period > 0
  std::vector<double> powers;
  double tick = 0, tick_phase = 0, power_avg = 0;
  bool counter = true, field186 = true, init_fails = false;
  double lost_after = INFINITY;
  unsigned gpus = 1;
  std::vector<std::string> uuids, bus_ids;
  double limit = 350;
  double temperature = 45;
  double stall_ms = 0, stall_every = 0;
};

Script script;
long long init_ns = 0;
long long last_stall_slot = -1;
int devices[kMaxGpus];

long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

double since_init_s(long long t_ns) { return static_cast<double>(t_ns - init_ns) * 1e-9; }

int index_of(gb::nvml::Device d) {
  const long i = reinterpret_cast<int*>(d) - devices;
  return i >= 0 && i < static_cast<long>(kMaxGpus) ? static_cast<int>(i) : 0;
}

double power_at(int gpu, double t) {
  if (gpu < static_cast<int>(script.powers.size())) return script.powers[gpu];
  if (script.period > 0) {
    const double phase = t / script.period - std::floor(t / script.period);
    return phase < 0.5 ? script.high : script.low;
  }
  return t < script.step_at ? script.power : script.step_power;
}

// Integral of p over [0, t] seconds since init (negative for t < 0).
double energy_until(int gpu, double t) {
  if (gpu < static_cast<int>(script.powers.size())) return script.powers[gpu] * t;
  if (script.period > 0) {
    const double n = std::floor(t / script.period);
    const double r = t - n * script.period, half = script.period / 2;
    return n * (script.high + script.low) * half + script.high * std::min(r, half) +
           script.low * std::max(0.0, r - half);
  }
  if (t <= script.step_at) return script.power * t;
  return script.power * script.step_at + script.step_power * (t - script.step_at);
}

// The counter's time: the last tick at or before t.
double last_tick(double t) {
  if (script.tick <= 0) return t;
  return script.tick_phase + std::floor((t - script.tick_phase) / script.tick) * script.tick;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t end = s.find(',', pos);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
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
    if (key == "low") script.low = v;
    if (key == "high") script.high = v;
    if (key == "period") script.period = v;
    if (key == "powers") {
      for (const std::string& w : split_list(value)) script.powers.push_back(std::atof(w.c_str()));
    }
    if (key == "tick") script.tick = v;
    if (key == "tick_phase") script.tick_phase = v;
    if (key == "power_avg") script.power_avg = v;
    if (key == "counter") script.counter = v != 0;
    if (key == "field186") script.field186 = v != 0;
    if (key == "lost_after") script.lost_after = v;
    if (key == "gpus") script.gpus = std::min(kMaxGpus, static_cast<unsigned>(v));
    if (key == "uuids") script.uuids = split_list(value);
    if (key == "bus_ids") script.bus_ids = split_list(value);
    if (key == "limit") script.limit = v;
    if (key == "temperature") script.temperature = v;
    if (key == "init") script.init_fails = value == "fail";
    if (key == "stall_ms") script.stall_ms = v;
    if (key == "stall_every") script.stall_every = v;
  }
  last_stall_slot = -1;
  for (unsigned i = 0; i < script.gpus; ++i) {
    char buf[64];
    if (script.uuids.size() <= i) {
      std::snprintf(buf, sizeof buf, "GPU-00000000-fake-%04u", i);
      script.uuids.resize(i + 1);
      script.uuids[i] = buf;
    }
    if (script.bus_ids.size() <= i) {
      std::snprintf(buf, sizeof buf, "00000000:%02X:00.0", i + 1);
      script.bus_ids.resize(i + 1);
      script.bus_ids[i] = buf;
    }
  }
}

bool lost() { return since_init_s(now_ns()) >= script.lost_after; }

void maybe_stall() {
  if (script.stall_ms <= 0 || script.stall_every <= 0) return;
  const long long slot =
      static_cast<long long>(std::floor(since_init_s(now_ns()) / script.stall_every));
  if (slot == last_stall_slot) return;
  last_stall_slot = slot;
  const long long ns = static_cast<long long>(script.stall_ms * 1e6);
  timespec ts{static_cast<time_t>(ns / 1000000000LL), static_cast<long>(ns % 1000000000LL)};
  nanosleep(&ts, nullptr);
}

unsigned milliwatts(double watts) { return static_cast<unsigned>(std::lround(watts * 1000)); }

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
    case gb::nvml::kErrorNotFound:
      return "Not Found";
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
  if (index >= script.gpus) return gb::nvml::kErrorInvalidArgument;
  *device = reinterpret_cast<gb::nvml::Device>(&devices[index]);
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetHandleByUUID(const char* uuid, gb::nvml::Device* device) {
  for (unsigned i = 0; i < script.gpus; ++i) {
    if (script.uuids[i] == uuid) return nvmlDeviceGetHandleByIndex_v2(i, device);
  }
  return gb::nvml::kErrorNotFound;
}

Return nvmlDeviceGetHandleByPciBusId_v2(const char* bus_id, gb::nvml::Device* device) {
  for (unsigned i = 0; i < script.gpus; ++i) {
    if (strcasecmp(script.bus_ids[i].c_str(), bus_id) == 0) {
      return nvmlDeviceGetHandleByIndex_v2(i, device);
    }
  }
  return gb::nvml::kErrorNotFound;
}

Return nvmlDeviceGetUUID(gb::nvml::Device d, char* uuid, unsigned length) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  std::snprintf(uuid, length, "%s", script.uuids[index_of(d)].c_str());
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetPciInfo_v3(gb::nvml::Device d, gb::nvml::PciInfo* pci) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  *pci = gb::nvml::PciInfo{};
  std::snprintf(pci->bus_id, sizeof pci->bus_id, "%s", script.bus_ids[index_of(d)].c_str());
  std::snprintf(pci->bus_id_legacy, sizeof pci->bus_id_legacy, "%s",
                script.bus_ids[index_of(d)].c_str() + 4);
  pci->bus = static_cast<unsigned>(index_of(d) + 1);
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

Return nvmlDeviceGetTemperature(gb::nvml::Device, int sensor, unsigned* celsius) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  if (sensor != gb::nvml::kTemperatureGpu) return gb::nvml::kErrorInvalidArgument;
  if (script.temperature < 0) return gb::nvml::kErrorNotSupported;
  *celsius = static_cast<unsigned>(std::lround(script.temperature));
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetPowerUsage(gb::nvml::Device d, unsigned* mw) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  const int gpu = index_of(d);
  const double t = since_init_s(now_ns());
  const double w =
      script.power_avg > 0
          ? (energy_until(gpu, t) - energy_until(gpu, t - script.power_avg)) / script.power_avg
          : power_at(gpu, t);
  *mw = milliwatts(w);
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetTotalEnergyConsumption(gb::nvml::Device d, unsigned long long* millijoules) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  if (!script.counter) return gb::nvml::kErrorNotSupported;
  maybe_stall();
  // An arbitrary non-zero origin, as on real GPUs (energy since the driver loaded), and whole mJ.
  const double j = energy_until(index_of(d), last_tick(since_init_s(now_ns())));
  *millijoules = 123456789ULL + static_cast<unsigned long long>(std::floor(j * 1000));
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetFieldValues(gb::nvml::Device d, int count, gb::nvml::FieldValue* values) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  for (int i = 0; i < count; ++i) {
    gb::nvml::FieldValue& f = values[i];
    f.timestamp = now_ns() / 1000;
    if (f.field_id == gb::nvml::kFieldPowerInstant && script.field186) {
      f.value_type = gb::nvml::kUnsigned;
      f.value.u = milliwatts(power_at(index_of(d), since_init_s(now_ns())));
      f.nvml_return = gb::nvml::kSuccess;
    } else {
      f.nvml_return = gb::nvml::kErrorNotSupported;
    }
  }
  return gb::nvml::kSuccess;
}

// Test hooks, not NVML: the true energy in J between two CLOCK_MONOTONIC instants, of GPU 0 and of
// any GPU.
double gbFakeNvmlTrueEnergyOfGpuJ(unsigned gpu, long long t0_ns, long long t1_ns) {
  const int g = static_cast<int>(gpu);
  return energy_until(g, since_init_s(t1_ns)) - energy_until(g, since_init_s(t0_ns));
}

double gbFakeNvmlTrueEnergyJ(long long t0_ns, long long t1_ns) {
  return gbFakeNvmlTrueEnergyOfGpuJ(0, t0_ns, t1_ns);
}

}  // extern "C"
