#include "energy/nvml_meter.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/errors.h"

namespace gb {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// Measuring the update period: stop after this many updates, or after this long (a real
// counter's slowest period is ~100 ms, so this is ten of them).
constexpr int kPeriodUpdates = 5;
constexpr milliseconds kPeriodBudget(1000);
constexpr microseconds kPeriodPoll(250);
// An update seen within this of the previous poll is dated to +-2.5 ms.
constexpr milliseconds kPeriodBracket(5);
// A counter that changes more often than this is read as continuous (no edge alignment needed).
constexpr milliseconds kContinuousBelow(2);

// Edges: strict for this many periods (a stalled poll restarts the edge), then whatever comes,
// and no update at all within twice that means the counter is stuck: read it as it is.
constexpr int kEdgeStrictPeriods = 5;
constexpr int kEdgeGiveUpPeriods = 10;

double field_as_double(const nvml::FieldValue& f) {
  switch (f.value_type) {
    case nvml::kDouble:
      return f.value.d;
    case nvml::kUnsigned:
      return f.value.u;
    case nvml::kUnsignedLong:
      return static_cast<double>(f.value.ul);
    case nvml::kUnsignedLongLong:
      return static_cast<double>(f.value.ull);
    case nvml::kSignedLongLong:
      return static_cast<double>(f.value.sll);
    case nvml::kSignedInt:
      return f.value.si;
    default:
      return f.value.u;
  }
}

double seconds_between(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

NvmlMeter::NvmlMeter(std::shared_ptr<NvmlLibrary> lib, unsigned index)
    : NvmlMeter(lib, find_nvml_gpu(*lib, index)) {}

NvmlMeter::NvmlMeter(std::shared_ptr<NvmlLibrary> lib, const std::string& id)
    : NvmlMeter(lib, find_nvml_gpu(*lib, id)) {}

NvmlMeter::NvmlMeter(std::shared_ptr<NvmlLibrary> lib, NvmlGpu gpu)
    : lib_(std::move(lib)), index_(gpu.index), device_(gpu.handle) {
  open();
}

void NvmlMeter::open() {
  char name[nvml::kNameBufferSize] = {};
  if (lib_->get_name(device_, name, sizeof name) == nvml::kSuccess) name_ = name;
  if (name_.empty()) name_ = "GPU " + std::to_string(index_);
  uuid_ = nvml_gpu_uuid(*lib_, device_);
  if (lib_->get_total_energy) {
    const nvml::Return ret = lib_->get_total_energy(device_, &counter_origin_mj_);
    if (ret == nvml::kSuccess) {
      has_counter_ = true;
    } else if (ret != nvml::kErrorNotSupported) {
      throw UsageError(fmt::format("NVML energy counter of GPU {} ({}): {}", index_, name_,
                                   lib_->error_string(ret)));
    }
  }
  double mw = 0;
  has_instant_field_ = lib_->get_field_values && read_instant_power(&mw) == nvml::kSuccess;
  if (!has_instant_field_) {
    unsigned usage = 0;
    const nvml::Return ret = lib_->get_power_usage(device_, &usage);
    if (ret != nvml::kSuccess) {
      throw UsageError(fmt::format("GPU {} ({}) reports no power through NVML: {}", index_, name_,
                                   lib_->error_string(ret)));
    }
  }
  if (has_counter_) {
    try {
      measure_update_period();
    } catch (const RunError& e) {
      throw UsageError(e.what());  // not yet in a run: the GPU cannot be measured
    }
  }
}

// Like Zeus's infer_counter_update_period: poll until the counter has advanced a few times, and
// take the median gap between updates. The period only paces and bounds the edges' polling and
// sets the short-window flag, so a few percent of error from a loaded machine's late polls is
// harmless; updates seen right after they happened are preferred when there are enough of them.
void NvmlMeter::measure_update_period() {
  const auto deadline = SteadyClock::now() + kPeriodBudget;
  struct Update {
    SteadyClock::time_point t;
    bool tight;  // seen within kPeriodBracket of the previous poll
  };
  std::vector<Update> updates;
  int polls = 0;
  Poll prev = poll(false);
  while (static_cast<int>(updates.size()) < kPeriodUpdates && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(kPeriodPoll);
    const Poll q = poll(false);
    ++polls;
    if (q.mj != prev.mj)
      updates.push_back({prev.t + (q.t - prev.t) / 2, q.t - prev.t <= kPeriodBracket});
    prev = q;
  }
  if (updates.size() < 2) {
    counter_ = Counter::kUnknownPeriod;
    return;
  }
  // A counter that moved at most polls moves continuously, however late the polls were.
  if (2 * static_cast<int>(updates.size()) >= polls) {
    counter_ = Counter::kContinuous;
    return;
  }
  std::vector<Nanos> tight, all;
  for (std::size_t i = 1; i < updates.size(); ++i) {
    const Nanos gap = std::chrono::duration_cast<Nanos>(updates[i].t - updates[i - 1].t);
    all.push_back(gap);
    if (updates[i - 1].tight && updates[i].tight) tight.push_back(gap);
  }
  std::vector<Nanos>& gaps = tight.size() >= 2 ? tight : all;
  std::sort(gaps.begin(), gaps.end());
  const Nanos median = gaps[gaps.size() / 2];
  if (median < kContinuousBelow) {
    counter_ = Counter::kContinuous;
    return;
  }
  counter_ = Counter::kStepped;
  update_period_ = median;
}

std::string NvmlMeter::description() const {
  std::string d = name_;
  // Read now, not when opened: a configuration may have set another limit (gpu_control.h).
  if (auto limit = enforced_power_limit_w())
    d += fmt::format(", enforced power limit {:.0f} W", *limit);
  switch (counter_) {
    case Counter::kNone:
      d += ", energy: integrated power samples";
      break;
    case Counter::kStepped:
      d += fmt::format(
          ", energy: total-energy counter (updates every {:.0f} ms; window edges aligned to its "
          "updates{})",
          to_millis(*update_period_),
          has_instant_field_ ? ", bridged by field 186" : ", the window starts and ends at them");
      break;
    case Counter::kContinuous:
      d += ", energy: total-energy counter (updates continuously)";
      break;
    case Counter::kUnknownPeriod:
      d += fmt::format(
          ", energy: total-energy counter (update period unknown: it did not advance twice in "
          "{} ms; edges read as they are)",
          kPeriodBudget.count());
      break;
  }
  d += has_instant_field_ ? "; power: field 186 (instant)"
                          : "; power: nvmlDeviceGetPowerUsage (1 s average on Ampere and newer)";
  if (!uuid_.empty()) d += "; " + uuid_;
  if (!choice_.empty()) d += "; " + choice_;
  return d;
}

void NvmlMeter::fail(const char* what, nvml::Return ret) const {
  if (ret == nvml::kErrorGpuIsLost) {
    throw RunError(fmt::format("GPU {} ({}) was lost: {}", index_, name_, lib_->error_string(ret)));
  }
  throw RunError(fmt::format("NVML {} failed on GPU {} ({}): {}", what, index_, name_,
                             lib_->error_string(ret)));
}

nvml::Return NvmlMeter::read_instant_power(double* milliwatts) {
  nvml::FieldValue field{};
  field.field_id = nvml::kFieldPowerInstant;
  field.scope_id = 0;
  const nvml::Return ret = lib_->get_field_values(device_, 1, &field);
  if (ret != nvml::kSuccess) return ret;
  if (field.nvml_return != nvml::kSuccess) return field.nvml_return;
  *milliwatts = field_as_double(field);
  return nvml::kSuccess;
}

NvmlMeter::Poll NvmlMeter::poll(bool with_power) {
  Poll p;
  const auto t0 = SteadyClock::now();
  const nvml::Return ret = lib_->get_total_energy(device_, &p.mj);
  if (ret != nvml::kSuccess) fail("nvmlDeviceGetTotalEnergyConsumption", ret);
  if (with_power) {
    double mw = 0;
    const nvml::Return r = read_instant_power(&mw);
    if (r != nvml::kSuccess) fail("field 186 (instant power)", r);
    p.watts = mw / 1000.0;
  }
  p.span = SteadyClock::now() - t0;
  p.t = t0 + p.span / 2;
  return p;
}

std::optional<double> NvmlMeter::temperature_c() {
  unsigned celsius = 0;
  if (!lib_->get_temperature ||
      lib_->get_temperature(device_, nvml::kTemperatureGpu, &celsius) != nvml::kSuccess) {
    return std::nullopt;
  }
  return static_cast<double>(celsius);
}

std::optional<double> NvmlMeter::enforced_power_limit_w() const {
  unsigned mw = 0;
  if (!lib_->get_enforced_power_limit ||
      lib_->get_enforced_power_limit(device_, &mw) != nvml::kSuccess) {
    return std::nullopt;
  }
  return mw / 1000.0;
}

double NvmlMeter::sample_power_w() {
  if (has_instant_field_) {
    double mw = 0;
    const nvml::Return ret = read_instant_power(&mw);
    if (ret != nvml::kSuccess) fail("field 186 (instant power)", ret);
    return mw / 1000.0;
  }
  unsigned mw = 0;
  const nvml::Return ret = lib_->get_power_usage(device_, &mw);
  if (ret != nvml::kSuccess) fail("nvmlDeviceGetPowerUsage", ret);
  return mw / 1000.0;
}

std::optional<double> NvmlMeter::energy_j() {
  if (!has_counter_) return std::nullopt;
  unsigned long long mj = 0;
  const nvml::Return ret = lib_->get_total_energy(device_, &mj);
  if (ret != nvml::kSuccess) fail("nvmlDeviceGetTotalEnergyConsumption", ret);
  return static_cast<double>(mj - counter_origin_mj_) / 1000.0;
}

// The counter is exact only at its updates, which come every `period`; a window edge between two
// of them is bridged: wait for the next update, and subtract what field 186 says was drawn from
// the edge to it (docs/energy.md, "Counter edges").
EdgeEnergy NvmlMeter::edge_energy() {
  if (counter_ != Counter::kStepped) return {energy_j(), std::nullopt};
  const Nanos period = *update_period_;
  const Nanos gap = std::clamp<Nanos>(period / 200, microseconds(100), milliseconds(1));
  const Nanos bracket = std::max<Nanos>(period / 25, 4 * gap);
  const auto start = SteadyClock::now();
  const auto strict_until = start + kEdgeStrictPeriods * period;
  const auto give_up = start + kEdgeGiveUpPeriods * period;
  const auto joules = [this](double mj) { return (mj - counter_origin_mj_) / 1000.0; };

  std::vector<Poll> trail;  // trail[0] is the edge
  trail.reserve(512);
  while (true) {
    if (!trail.empty()) std::this_thread::sleep_for(gap);
    const Poll q = poll(has_instant_field_);
    const bool strict = q.t < strict_until;
    // A poll whose own reads took long cannot be dated; one long after the previous poll leaves
    // the update, and any power change, anywhere in the gap. Either way the thread stalled: start
    // the edge again after it. The window moves by the stall, and stays exact.
    const bool blurred = q.span > bracket;
    if (trail.empty() || (strict && (blurred || q.t - trail.back().t > bracket))) {
      trail.clear();
      if (!(strict && blurred)) trail.push_back(q);
      continue;
    }
    const Poll& prev = trail.back();
    if (q.mj != trail.front().mj) {
      const auto update = prev.t + (q.t - prev.t) / 2;
      if (!has_instant_field_) return {joules(static_cast<double>(q.mj)), update};
      double drawn_j = 0;  // from the edge to the update, trapezoid rule on field 186
      for (std::size_t k = 1; k < trail.size(); ++k) {
        drawn_j += 0.5 * (trail[k - 1].watts + trail[k].watts) *
                   seconds_between(trail[k - 1].t, trail[k].t);
      }
      const double w_update = 0.5 * (prev.watts + q.watts);
      drawn_j += 0.5 * (prev.watts + w_update) * seconds_between(prev.t, update);
      return {joules(static_cast<double>(q.mj)) - drawn_j, trail.front().t};
    }
    if (q.t > give_up) {
      return {joules(static_cast<double>(q.mj)), std::nullopt};  // stuck: read as it is
    }
    trail.push_back(q);
  }
}

}  // namespace gb
