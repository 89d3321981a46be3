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
//   limit=W         the default power limit, in force until a test sets another (default 350)
//   temperature=C   the GPU sensor's reading in whole degrees (default 45); a negative C reports
//                   NOT_SUPPORTED, as a GPU without the sensor does
//   init=fail       nvmlInit returns DRIVER_NOT_LOADED
//   stall_ms=M;stall_every=S
//                   the first counter read in each S seconds first sleeps M ms: the caller's thread
//                   stalled (a loaded machine), at a place a test cannot choose otherwise
// Power limit and clocks, as NVML's Get/Set calls see them (root needed, as on a real GPU):
//   limit_min=W;limit_max=W
//                   nvmlDeviceGetPowerManagementLimitConstraints (default 100 and `limit`); a
//                   limit outside them is refused with NVML_ERROR_INVALID_ARGUMENT
//   min_clock=MHz;max_clock=MHz
//                   the graphics clocks nvmlDeviceSetGpuLockedClocks accepts (default 210, 1980;
//                   the max is nvmlDeviceGetMaxClockInfo's), else INVALID_ARGUMENT
//   root=0|1        whether this process may set them (default 1); 0: NVML_ERROR_NO_PERMISSION
// The limit in force caps the power drawn (p(t) above becomes min(p(t), limit)), in every reading
// and in the truth below; locked clocks change nothing measured. Both live in the file named by
// GB_FAKE_NVML_STATE (one line per GPU: "limit_mw=N clocks=MIN-MAX", 0-0 when not locked), read
// at nvmlInit and rewritten at every change, so that they outlive the process as a real GPU's do;
// without the variable they last as long as the process. Built with GB_FAKE_NVML_NO_CONTROL, the
// library lacks the six control calls, as drivers before them did.
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
#include <fstream>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "energy/nvml_api.h"
#include "fake_script.h"

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
  double limit = 350, limit_min = 100, limit_max = -1;  // limit_max < 0: `limit`
  double min_clock = 210, max_clock = 1980;
  bool root = true;
  double temperature = 45;
  double stall_ms = 0, stall_every = 0;
};

Script script;
long long init_ns = 0;
long long last_stall_slot = -1;
int devices[kMaxGpus];

// Each GPU's limit and clocks now, and the limit's changes in this process as (seconds since
// init, watts), for the energy the cap let through. Guarded: the sampler thread reads what the
// main thread sets.
struct Control {
  unsigned limit_mw = 0;
  unsigned clocks_min = 0, clocks_max = 0;
  std::vector<std::pair<double, double>> changes;  // the first holds from -infinity
};
Control control[kMaxGpus];
std::mutex control_mutex;

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

// p(t) of the script with every level capped at `cap` watts.
double raw_power_at(int gpu, double t, double cap) {
  if (gpu < static_cast<int>(script.powers.size())) return std::min(script.powers[gpu], cap);
  if (script.period > 0) {
    const double phase = t / script.period - std::floor(t / script.period);
    return std::min(phase < 0.5 ? script.high : script.low, cap);
  }
  return std::min(t < script.step_at ? script.power : script.step_power, cap);
}

// Integral of the capped p over [0, t] seconds since init (negative for t < 0).
double raw_energy_until(int gpu, double t, double cap) {
  if (gpu < static_cast<int>(script.powers.size())) return std::min(script.powers[gpu], cap) * t;
  if (script.period > 0) {
    const double high = std::min(script.high, cap), low = std::min(script.low, cap);
    const double n = std::floor(t / script.period);
    const double r = t - n * script.period, half = script.period / 2;
    return n * (high + low) * half + high * std::min(r, half) + low * std::max(0.0, r - half);
  }
  const double power = std::min(script.power, cap), step_power = std::min(script.step_power, cap);
  if (t <= script.step_at) return power * t;
  return power * script.step_at + step_power * (t - script.step_at);
}

double limit_at(int gpu, double t) {
  std::lock_guard<std::mutex> lock(control_mutex);
  double cap = control[gpu].changes.front().second;
  for (const auto& [at, watts] : control[gpu].changes) {
    if (at <= t) cap = watts;
  }
  return cap;
}

double power_at(int gpu, double t) { return raw_power_at(gpu, t, limit_at(gpu, t)); }

// Integral of the power drawn over [a, b], a <= b, each stretch under the limit then in force.
double energy_between(int gpu, double a, double b) {
  std::lock_guard<std::mutex> lock(control_mutex);
  const auto& changes = control[gpu].changes;
  double joules = 0;
  for (std::size_t k = 0; k < changes.size(); ++k) {
    const double from = k == 0 ? a : std::max(a, changes[k].first);
    const double to = k + 1 < changes.size() ? std::min(b, changes[k + 1].first) : b;
    if (to > from) {
      joules += raw_energy_until(gpu, to, changes[k].second) -
                raw_energy_until(gpu, from, changes[k].second);
    }
  }
  return joules;
}

// Integral of p over [0, t] seconds since init (negative for t < 0).
double energy_until(int gpu, double t) {
  return t >= 0 ? energy_between(gpu, 0, t) : -energy_between(gpu, t, 0);
}

// The counter's time: the last tick at or before t.
double last_tick(double t) {
  if (script.tick <= 0) return t;
  return script.tick_phase + std::floor((t - script.tick_phase) / script.tick) * script.tick;
}

void parse_script() {
  script = Script{};
  gb::testing::read_fake_script("GB_FAKE_NVML",
                                [](const std::string& key, const std::string& value) {
                                  const double v = std::atof(value.c_str());
                                  if (key == "power") script.power = script.step_power = v;
                                  if (key == "step_at") script.step_at = v;
                                  if (key == "step_power") script.step_power = v;
                                  if (key == "low") script.low = v;
                                  if (key == "high") script.high = v;
                                  if (key == "period") script.period = v;
                                  if (key == "powers") {
                                    for (const std::string& w : gb::testing::split_list(value))
                                      script.powers.push_back(std::atof(w.c_str()));
                                  }
                                  if (key == "tick") script.tick = v;
                                  if (key == "tick_phase") script.tick_phase = v;
                                  if (key == "power_avg") script.power_avg = v;
                                  if (key == "counter") script.counter = v != 0;
                                  if (key == "field186") script.field186 = v != 0;
                                  if (key == "lost_after") script.lost_after = v;
                                  if (key == "gpus")
                                    script.gpus = std::min(kMaxGpus, static_cast<unsigned>(v));
                                  if (key == "uuids") script.uuids = gb::testing::split_list(value);
                                  if (key == "bus_ids")
                                    script.bus_ids = gb::testing::split_list(value);
                                  if (key == "limit") script.limit = v;
                                  if (key == "limit_min") script.limit_min = v;
                                  if (key == "limit_max") script.limit_max = v;
                                  if (key == "min_clock") script.min_clock = v;
                                  if (key == "max_clock") script.max_clock = v;
                                  if (key == "root") script.root = v != 0;
                                  if (key == "temperature") script.temperature = v;
                                  if (key == "init") script.init_fails = value == "fail";
                                  if (key == "stall_ms") script.stall_ms = v;
                                  if (key == "stall_every") script.stall_every = v;
                                });
  last_stall_slot = -1;
  if (script.limit_max < 0) script.limit_max = script.limit;
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

// The control state as the state file (or the script's defaults) has it, at nvmlInit.
void load_control() {
  std::lock_guard<std::mutex> lock(control_mutex);
  const char* path = std::getenv("GB_FAKE_NVML_STATE");
  std::ifstream in(path ? path : "");
  for (unsigned i = 0; i < kMaxGpus; ++i) {
    Control& c = control[i];
    c = Control{};
    c.limit_mw = static_cast<unsigned>(std::lround(script.limit * 1000));
    std::string line;
    if (in && std::getline(in, line)) {
      std::sscanf(line.c_str(), "limit_mw=%u clocks=%u-%u", &c.limit_mw, &c.clocks_min,
                  &c.clocks_max);
    }
    c.changes.push_back({0, c.limit_mw / 1000.0});
  }
}

#ifndef GB_FAKE_NVML_NO_CONTROL
void save_control() {  // REQUIRES: control_mutex held
  const char* path = std::getenv("GB_FAKE_NVML_STATE");
  if (!path) return;
  const std::string tmp = std::string(path) + ".tmp";
  {
    std::ofstream out(tmp);
    for (unsigned i = 0; i < script.gpus; ++i) {
      out << "limit_mw=" << control[i].limit_mw << " clocks=" << control[i].clocks_min << "-"
          << control[i].clocks_max << "\n";
    }
  }
  std::rename(tmp.c_str(), path);
}
#endif

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
  load_control();
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
    case gb::nvml::kErrorInvalidArgument:
      return "Invalid Argument";
    case gb::nvml::kErrorNotSupported:
      return "Not Supported";
    case gb::nvml::kErrorNoPermission:
      return "Insufficient Permissions";
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

Return nvmlDeviceGetEnforcedPowerLimit(gb::nvml::Device d, unsigned* milliwatts) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  std::lock_guard<std::mutex> lock(control_mutex);
  *milliwatts = control[index_of(d)].limit_mw;
  return gb::nvml::kSuccess;
}

#ifndef GB_FAKE_NVML_NO_CONTROL
Return nvmlDeviceGetPowerManagementLimit(gb::nvml::Device d, unsigned* milliwatts) {
  return nvmlDeviceGetEnforcedPowerLimit(d, milliwatts);
}

Return nvmlDeviceGetPowerManagementLimitConstraints(gb::nvml::Device, unsigned* min_mw,
                                                    unsigned* max_mw) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  *min_mw = static_cast<unsigned>(std::lround(script.limit_min * 1000));
  *max_mw = static_cast<unsigned>(std::lround(script.limit_max * 1000));
  return gb::nvml::kSuccess;
}

Return nvmlDeviceSetPowerManagementLimit(gb::nvml::Device d, unsigned milliwatts) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  if (!script.root) return gb::nvml::kErrorNoPermission;
  const long mw = static_cast<long>(milliwatts);
  if (mw < std::lround(script.limit_min * 1000) || mw > std::lround(script.limit_max * 1000)) {
    return gb::nvml::kErrorInvalidArgument;
  }
  std::lock_guard<std::mutex> lock(control_mutex);
  Control& c = control[index_of(d)];
  c.limit_mw = milliwatts;
  c.changes.push_back({since_init_s(now_ns()), milliwatts / 1000.0});
  save_control();
  return gb::nvml::kSuccess;
}

Return nvmlDeviceSetGpuLockedClocks(gb::nvml::Device d, unsigned min_mhz, unsigned max_mhz) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  if (!script.root) return gb::nvml::kErrorNoPermission;
  if (min_mhz > max_mhz || min_mhz < script.min_clock || max_mhz > script.max_clock) {
    return gb::nvml::kErrorInvalidArgument;
  }
  std::lock_guard<std::mutex> lock(control_mutex);
  control[index_of(d)].clocks_min = min_mhz;
  control[index_of(d)].clocks_max = max_mhz;
  save_control();
  return gb::nvml::kSuccess;
}

Return nvmlDeviceResetGpuLockedClocks(gb::nvml::Device d) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  if (!script.root) return gb::nvml::kErrorNoPermission;
  std::lock_guard<std::mutex> lock(control_mutex);
  control[index_of(d)].clocks_min = control[index_of(d)].clocks_max = 0;
  save_control();
  return gb::nvml::kSuccess;
}

Return nvmlDeviceGetMaxClockInfo(gb::nvml::Device, int type, unsigned* mhz) {
  if (lost()) return gb::nvml::kErrorGpuIsLost;
  if (type != gb::nvml::kClockGraphics) return gb::nvml::kErrorNotSupported;
  *mhz = static_cast<unsigned>(std::lround(script.max_clock));
  return gb::nvml::kSuccess;
}
#endif

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
