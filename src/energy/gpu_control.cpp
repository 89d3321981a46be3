#include "energy/gpu_control.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>

#include "common/errors.h"

namespace gb {
namespace {

// Every hold of this process, for restore_held_gpu_settings(); `closed` once that has run.
std::mutex registry_mutex;
std::vector<GpuHold*> registry;
std::atomic<int> held_count{0};
bool closed = false;
static_assert(std::atomic<int>::is_always_lock_free, "read in a signal handler");

constexpr char kClocksReset[] =
    "locked clocks reset to the driver's default (NVML cannot read locked clocks back, so "
    "resetting is how they are restored)";

// Puts back what `e` records; one line saying what was done. RunError when NVML refuses.
std::string put_back(GpuControl& c, const GpuStateEntry& e) {
  std::string done;
  if (e.original_limit_mw) {
    c.set_power_limit_mw(*e.original_limit_mw);
    done = fmt::format("power limit back to {:g} W", *e.original_limit_mw / 1000.0);
  }
  if (e.clocks_locked) {
    c.reset_clocks();
    done += (done.empty() ? "" : "; ") + std::string(kClocksReset);
  }
  return c.describe() + ": " + (done.empty() ? "nothing was changed" : done);
}

// The calls an entry's restoring needs.
GpuSetting needs_of(const GpuStateEntry& e) {
  GpuSetting s;
  if (e.original_limit_mw) s.power_limit_mw = e.original_limit_mw;
  if (e.clocks_locked) s.clocks_mhz = 1;
  return s;
}

void remove_entry(const std::string& uuid) {
  update_gpu_state(gpu_state_path(), [&](std::vector<GpuStateEntry>& entries) {
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const GpuStateEntry& e) {
                                   return e.uuid == uuid && holder_of(e) == GpuHolder::kThisProcess;
                                 }),
                  entries.end());
  });
}

}  // namespace

GpuControl::GpuControl(std::shared_ptr<NvmlLibrary> lib, NvmlGpu gpu, const GpuSetting& needs)
    : lib_(std::move(lib)), gpu_(gpu) {
  char name[nvml::kNameBufferSize] = {};
  if (lib_->get_name(gpu_.handle, name, sizeof name) == nvml::kSuccess) name_ = name;
  uuid_ = nvml_gpu_uuid(*lib_, gpu_.handle);
  if (uuid_.empty()) {
    throw UsageError(fmt::format(
        "GPU {} ({}): NVML gives no UUID (nvmlDeviceGetUUID), under which greenbatch records a "
        "changed power limit or clocks for restoring: leave them at their default",
        gpu_.index, name_));
  }
  std::vector<std::pair<const void*, const char*>> calls;
  if (needs.power_limit_mw) {
    calls.push_back({reinterpret_cast<const void*>(lib_->get_power_limit_constraints),
                     "nvmlDeviceGetPowerManagementLimitConstraints"});
    calls.push_back({reinterpret_cast<const void*>(lib_->get_power_limit),
                     "nvmlDeviceGetPowerManagementLimit"});
    calls.push_back({reinterpret_cast<const void*>(lib_->set_power_limit),
                     "nvmlDeviceSetPowerManagementLimit"});
  }
  if (needs.clocks_mhz) {
    calls.push_back(
        {reinterpret_cast<const void*>(lib_->set_locked_clocks), "nvmlDeviceSetGpuLockedClocks"});
    calls.push_back({reinterpret_cast<const void*>(lib_->reset_locked_clocks),
                     "nvmlDeviceResetGpuLockedClocks"});
  }
  for (const auto& [fn, call] : calls) {
    if (!fn) {
      throw UsageError(fmt::format(
          "{}: {} lacks {} (driver too old): leave the {} at its default", describe(), lib_->path(),
          call, needs.power_limit_mw && !needs.clocks_mhz ? "power limit" : "GPU's setting"));
    }
  }
}

std::unique_ptr<GpuControl> GpuControl::open(const MeterOptions& o, const GpuSetting& needs) {
  if (!o.device.is_cuda() && !o.gpu_index && !o.gpu_id) {
    throw UsageError(
        "a GPU power limit or locked clocks apply to the GPU the model runs on, and "
        "the device is " +
        o.device.text + ": run on --device cuda:N, or name the GPU with --gpu-index");
  }
  std::string why;
  auto lib = NvmlLibrary::open(&why);
  if (!lib) throw UsageError("a GPU power limit or locked clocks need NVML: " + why);
  const NvmlGpu gpu = find_measured_gpu(*lib, o);
  return std::unique_ptr<GpuControl>(new GpuControl(lib, gpu, needs));
}

std::unique_ptr<GpuControl> GpuControl::open_uuid(const std::string& uuid,
                                                  const GpuSetting& needs) {
  std::string why;
  auto lib = NvmlLibrary::open(&why);
  if (!lib) throw UsageError("restoring " + uuid + " needs NVML: " + why);
  const NvmlGpu gpu = find_nvml_gpu(*lib, uuid);
  return std::unique_ptr<GpuControl>(new GpuControl(lib, gpu, needs));
}

std::string GpuControl::describe() const {
  return fmt::format("GPU {} ({}{}{})", gpu_.index, name_, uuid_.empty() ? "" : ", ", uuid_);
}

void GpuControl::fail(const std::string& what, nvml::Return ret) const {
  if (ret == nvml::kErrorNoPermission) {
    throw RunError(
        fmt::format("{}: {} needs root: NVML says {}", describe(), what, lib_->error_string(ret)));
  }
  throw RunError(fmt::format("{}: {} failed: {}", describe(), what, lib_->error_string(ret)));
}

GpuControl::Range GpuControl::power_limit_range() const {
  Range r;
  const nvml::Return ret = lib_->get_power_limit_constraints(gpu_.handle, &r.min_mw, &r.max_mw);
  if (ret != nvml::kSuccess) {
    throw UsageError(fmt::format("{}: NVML cannot say which power limits it accepts: {}",
                                 describe(), lib_->error_string(ret)));
  }
  return r;
}

unsigned GpuControl::power_limit_mw() const {
  unsigned mw = 0;
  const nvml::Return ret = lib_->get_power_limit(gpu_.handle, &mw);
  if (ret != nvml::kSuccess) {
    throw UsageError(fmt::format("{}: NVML cannot read its power limit: {}", describe(),
                                 lib_->error_string(ret)));
  }
  return mw;
}

std::optional<unsigned> GpuControl::max_clock_mhz() const {
  unsigned mhz = 0;
  if (!lib_->get_max_clock ||
      lib_->get_max_clock(gpu_.handle, nvml::kClockGraphics, &mhz) != nvml::kSuccess) {
    return std::nullopt;
  }
  return mhz;
}

void GpuControl::set_power_limit_mw(unsigned mw) {
  const nvml::Return ret = lib_->set_power_limit(gpu_.handle, mw);
  if (ret != nvml::kSuccess) fail(fmt::format("setting the power limit to {:g} W", mw / 1e3), ret);
}

void GpuControl::lock_clocks(unsigned mhz) {
  const nvml::Return ret = lib_->set_locked_clocks(gpu_.handle, mhz, mhz);
  if (ret != nvml::kSuccess) fail(fmt::format("locking the clocks at {} MHz", mhz), ret);
}

void GpuControl::reset_clocks() {
  const nvml::Return ret = lib_->reset_locked_clocks(gpu_.handle);
  if (ret != nvml::kSuccess) fail("resetting the locked clocks", ret);
}

void GpuControl::check(const GpuSetting& s) {
  for (const GpuStateEntry& e : read_gpu_state(gpu_state_path())) {
    const GpuHolder h = e.uuid == uuid_ ? holder_of(e) : GpuHolder::kGone;
    if (h == GpuHolder::kAlive || h == GpuHolder::kOtherHost) {
      throw UsageError(describe() + ": its power limit or clocks are held by " +
                       describe_holder(e) + ": wait until it ends (greenbatch devices lists it)");
    }
  }
  if (s.power_limit_mw) {
    const Range r = power_limit_range();
    if (*s.power_limit_mw < r.min_mw || *s.power_limit_mw > r.max_mw) {
      throw UsageError(
          fmt::format("power limit {:g} W is out of range for {}: it accepts {:g} to "
                      "{:g} W",
                      *s.power_limit_mw / 1e3, describe(), r.min_mw / 1e3, r.max_mw / 1e3));
    }
    const nvml::Return ret = lib_->set_power_limit(gpu_.handle, power_limit_mw());
    try {
      if (ret != nvml::kSuccess) fail("setting the power limit", ret);
    } catch (const RunError& e) {
      throw UsageError(e.what());
    }
  }
  if (s.clocks_mhz) {
    const auto max = max_clock_mhz();
    if (max && *s.clocks_mhz > *max) {
      throw UsageError(
          fmt::format("clocks {} MHz are out of range for {}: its graphics clock "
                      "goes up to {} MHz",
                      *s.clocks_mhz, describe(), *max));
    }
    // NVML has no dry run: lock and reset at once, recorded like any change.
    try {
      GpuHold probe(*this, GpuSetting{std::nullopt, s.clocks_mhz});
      probe.restore();
    } catch (const RunError& e) {
      throw UsageError(e.what());
    }
  }
}

GpuHold::GpuHold(GpuControl& control, const GpuSetting& setting) : control_(control) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (closed) throw RunError("interrupted: no GPU setting is applied any more");
  for (const GpuHold* h : registry) {
    if (h->control_.uuid() == control.uuid()) {
      throw RunError(control.describe() + " is already held by this process");
    }
  }
  std::optional<GpuStateEntry> previous;  // an entry left by a holder that is gone
  update_gpu_state(gpu_state_path(), [&](std::vector<GpuStateEntry>& entries) {
    GpuStateEntry mine = entry_of_this_process(control.uuid());
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const GpuStateEntry& e) { return e.uuid == control.uuid(); });
    if (it != entries.end()) {
      const GpuHolder h = holder_of(*it);
      if (h == GpuHolder::kAlive || h == GpuHolder::kOtherHost) {
        throw UsageError(control.describe() + ": its power limit or clocks are held by " +
                         describe_holder(*it) + ": wait until it ends");
      }
      // Gone (or this process, after a restore that failed): its originals are the GPU's own.
      previous = *it;
      mine.original_limit_mw = it->original_limit_mw;
      mine.clocks_locked = it->clocks_locked;
    }
    if (setting.power_limit_mw && !mine.original_limit_mw) {
      mine.original_limit_mw = control.power_limit_mw();
    }
    mine.clocks_locked = mine.clocks_locked || setting.clocks_mhz.has_value();
    if (it != entries.end()) {
      *it = mine;
    } else {
      entries.push_back(mine);
    }
    entry_ = mine;
  });
  bool limit_set = false;
  try {
    if (setting.power_limit_mw) control.set_power_limit_mw(*setting.power_limit_mw);
    limit_set = true;
    if (setting.clocks_mhz) control.lock_clocks(*setting.clocks_mhz);
  } catch (...) {
    // Undo what this hold did, and only that: a refused change (no permission, out of range)
    // leaves the GPU and its record as they were, so no start tries to restore what never
    // changed; an entry taken over stays for the next start.
    try {
      if (limit_set && setting.power_limit_mw && entry_.original_limit_mw) {
        control.set_power_limit_mw(*entry_.original_limit_mw);
      }
      update_gpu_state(gpu_state_path(), [&](std::vector<GpuStateEntry>& entries) {
        for (auto it = entries.begin(); it != entries.end(); ++it) {
          if (it->uuid != control.uuid()) continue;
          if (previous) {
            *it = *previous;
          } else {
            entries.erase(it);
          }
          return;
        }
      });
    } catch (...) {  // the first failure is the one to tell; the entry stays for the next start
    }
    throw;
  }
  registry.push_back(this);
  ++held_count;
}

GpuHold::~GpuHold() {
  try {
    restore();
  } catch (...) {  // the entry stays in the state file: the next start restores it
  }
  std::lock_guard<std::mutex> lock(registry_mutex);
  const auto it = std::find(registry.begin(), registry.end(), this);
  if (it != registry.end()) {
    registry.erase(it);
    --held_count;
  }
}

std::string GpuHold::restore() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  return restore_locked();
}

std::string GpuHold::restore_locked() {
  if (restored_) return "";
  const std::string line = put_back(control_, entry_);
  remove_entry(control_.uuid());
  restored_ = true;
  const auto it = std::find(registry.begin(), registry.end(), this);
  if (it != registry.end()) {
    registry.erase(it);
    --held_count;
  }
  return line;
}

std::vector<std::string> restore_held_gpu_settings() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  closed = true;
  std::vector<std::string> lines;
  const std::vector<GpuHold*> holds = registry;
  for (GpuHold* h : holds) {
    try {
      lines.push_back(h->restore_locked());
    } catch (const std::exception& e) {
      lines.push_back(std::string(e.what()) +
                      "; the next greenbatch start restores it (or greenbatch devices --restore)");
    }
  }
  return lines;
}

bool gpu_settings_held() { return held_count.load(std::memory_order_relaxed) > 0; }

GpuRestoreReport restore_abandoned_gpu_settings() {
  GpuRestoreReport report;
  const std::string path = gpu_state_path();
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return report;
  update_gpu_state(path, [&](std::vector<GpuStateEntry>& entries) {
    std::vector<GpuStateEntry> kept;
    for (const GpuStateEntry& e : entries) {
      const GpuHolder h = holder_of(e);
      if (h != GpuHolder::kGone) {
        if (h != GpuHolder::kThisProcess) {
          report.left.push_back(e.uuid + ": held by " + describe_holder(e) +
                                (h == GpuHolder::kAlive ? ", which is running" : "") +
                                ": left alone");
        }
        kept.push_back(e);
        continue;
      }
      try {
        auto control = GpuControl::open_uuid(e.uuid, needs_of(e));
        report.restored.push_back(put_back(*control, e) + " (left by " + describe_holder(e) +
                                  ", which is gone)");
      } catch (const std::exception& err) {
        report.failed.push_back(e.uuid + " (left by " + describe_holder(e) + "): not restored: " +
                                err.what() + "; run greenbatch devices --restore as root");
        kept.push_back(e);
      }
    }
    entries = kept;
  });
  return report;
}

std::vector<GpuControlStatus> probe_gpu_controls() {
  std::vector<GpuControlStatus> out;
  std::string why;
  auto lib = NvmlLibrary::open(&why);
  if (!lib) return out;
  for (unsigned i = 0; i < nvml_device_count(*lib); ++i) {
    GpuControlStatus s;
    s.name = "nvml gpu" + std::to_string(i);
    try {
      // Needs the power-limit calls (any limit stands for "a limit"), not the clock calls.
      GpuControl c(lib, find_nvml_gpu(*lib, i), GpuSetting{1, std::nullopt});
      s.uuid = c.uuid();
      const GpuControl::Range r = c.power_limit_range();
      s.limit_w = c.power_limit_mw() / 1e3;
      s.min_w = r.min_mw / 1e3;
      s.max_w = r.max_mw / 1e3;
      s.max_clock_mhz = c.max_clock_mhz();
    } catch (const std::exception& e) {
      s.why = e.what();
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace gb
