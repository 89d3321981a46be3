#include "experiment/session_gpu.h"

#include "experiment/settling.h"

namespace gb {

SessionGpu::~SessionGpu() {
  hold_.reset();  // GpuHold's destructor restores, swallowing a failure
}

GpuPrepared SessionGpu::prepare(const GpuSetting& setting, const std::vector<PowerMeter*>& meters,
                                const std::function<void(const std::string&)>& log) {
  restore();
  GpuPrepared out;
  std::string change = "the GPU's restoring";
  if (!setting.empty()) {
    if (!options_) options_ = meter_options(base_);
    // Opened for each setting: what one needs of the driver (the clock calls) another may not.
    hold_.reset();
    control_ = GpuControl::open(*options_, setting);
    hold_ = std::make_unique<GpuHold>(*control_, setting);
    changed_ = true;
    change = "the GPU's change to " + setting.label();
  }
  if (changed_) {
    const bool baseline =
        base_.idle_duration.count() > 0 && !setting.empty() && !idle_.count(setting);
    const IdleMeasurement m = measure_idle(meters, base_.sample_interval, base_.idle_settle,
                                           baseline ? base_.idle_duration : Nanos(0), change, log);
    // With settling disabled (idle_settle_seconds = 0) nothing was waited for: no settle time,
    // and no "did not settle" either.
    if (base_.idle_settle.count() > 0) {
      out.settle_s = m.settling.seconds;
      out.settled = m.settling.settled;
      out.spread = m.settling.spread;
    }
    if (baseline) idle_[setting] = m.idle_w;
    changed_ = false;
  }
  if (const auto it = idle_.find(setting); !setting.empty() && it != idle_.end()) {
    out.idle_w = it->second;
  }
  return out;
}

std::string SessionGpu::restore() {
  if (!hold_) return "";
  const std::string line = hold_->restore();
  hold_.reset();
  changed_ = true;
  return line;
}

}  // namespace gb
