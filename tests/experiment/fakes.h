// An executor and a power meter whose figures are known exactly, so that sessions and the profiling
// protocol can be checked without a model or energy hardware.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "common/time.h"
#include "energy/power_meter.h"
#include "runtime/batch_executor.h"

namespace gb::testing {

// Every batch takes `base + per_image x count` (slept), and is recorded.
class FakeExecutor final : public BatchExecutor {
 public:
  explicit FakeExecutor(Nanos base, Nanos per_image = Nanos(0))
      : base_(base), per_image_(per_image) {}
  void execute(std::size_t first, std::size_t count) override {
    std::this_thread::sleep_for(base_ + per_image_ * static_cast<int64_t>(count));
    std::lock_guard<std::mutex> lock(mutex_);
    batches_.emplace_back(first, count);
  }
  std::vector<std::pair<std::size_t, std::size_t>> batches() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return batches_;
  }

 private:
  Nanos base_, per_image_;
  mutable std::mutex mutex_;
  std::vector<std::pair<std::size_t, std::size_t>> batches_;
};

// Draws a constant `watts`. With `counter`, energy_j() is exactly watts x the time since it was
// made (as a RAPL counter would be); without, the session must integrate its samples. With
// `fail_after` > 0, every call after that many power samples throws RunError, as a lost GPU does.
class FakeMeter final : public PowerMeter {
 public:
  FakeMeter(std::string domain, double watts, bool counter, int fail_after = 0)
      : domain_(std::move(domain)),
        watts_(watts),
        counter_(counter),
        fail_after_(fail_after),
        opened_(SteadyClock::now()) {}
  std::string domain() const override { return domain_; }
  EnergyMethod method() const override { return EnergyMethod::kRapl; }
  std::string description() const override { return "fake, " + std::to_string(watts_) + " W"; }
  double sample_power_w() override {
    if (fail_after_ > 0 && ++samples_ > fail_after_) throw RunError("fake meter lost");
    return watts_;
  }
  std::optional<double> energy_j() override {
    if (fail_after_ > 0 && samples_ > fail_after_) throw RunError("fake meter lost");
    if (!counter_) return std::nullopt;
    return watts_ * to_seconds(SteadyClock::now() - opened_);
  }
  // As a stepped counter (NVML's) would declare; the counter itself stays exact.
  std::optional<Nanos> counter_update_period() const override { return update_period_; }
  std::optional<double> temperature_c() override { return temperature_; }
  void set_update_period(Nanos period) { update_period_ = period; }
  void set_temperature(double celsius) { temperature_ = celsius; }

 private:
  std::optional<Nanos> update_period_;
  std::optional<double> temperature_;
  std::string domain_;
  double watts_;
  bool counter_;
  int fail_after_;
  std::atomic<int> samples_{0};
  SteadyClock::time_point opened_;
};

// Draws power(seconds since its first sample), without a counter: the session integrates its
// samples. Its clock starts at the first sample, not when it is made, so that a test's profile
// starts with the measurement however late a loaded machine gets there.
class ProfileMeter final : public PowerMeter {
 public:
  explicit ProfileMeter(std::function<double(double)> power) : power_(std::move(power)) {}
  std::string domain() const override { return "profile"; }
  EnergyMethod method() const override { return EnergyMethod::kRapl; }
  std::string description() const override { return "fake, power by profile"; }
  double sample_power_w() override {
    const auto now = SteadyClock::now();
    if (!first_) first_ = now;
    return power_(to_seconds(now - *first_));
  }
  std::optional<double> energy_j() override { return std::nullopt; }

 private:
  std::function<double(double)> power_;
  std::optional<SteadyClock::time_point> first_;
};

}  // namespace gb::testing
