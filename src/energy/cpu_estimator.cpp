#include "energy/cpu_estimator.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <thread>

namespace gb {
namespace {

Nanos process_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return Nanos(static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec);
}

Nanos steady_now() {
  return std::chrono::duration_cast<Nanos>(SteadyClock::now().time_since_epoch());
}

}  // namespace

CpuEstimator::CpuEstimator(EstimatorParams params, Clock wall, Clock cpu)
    : idle_w_(params.idle_w),
      cpus_(params.cpus ? params.cpus : std::max(1u, std::thread::hardware_concurrency())),
      wall_(wall ? std::move(wall) : Clock(steady_now)),
      cpu_(cpu ? std::move(cpu) : Clock(process_cpu_time)) {
  max_w_ = params.max_w > 0 ? params.max_w : idle_w_ + 8.0 * cpus_;
  wall_origin_ = wall_last_ = wall_();
  cpu_origin_ = cpu_last_ = cpu_();
}

double CpuEstimator::power_between(Nanos wall, Nanos cpu) const {
  if (wall.count() <= 0) return idle_w_;
  const double u = std::clamp(to_seconds(cpu) / (to_seconds(wall) * cpus_), 0.0, 1.0);
  return idle_w_ + (max_w_ - idle_w_) * u;
}

double CpuEstimator::sample_power_w() {
  const Nanos wall = wall_(), cpu = cpu_();
  const double p = power_between(wall - wall_last_, cpu - cpu_last_);
  wall_last_ = wall;
  cpu_last_ = cpu;
  return p;
}

std::string CpuEstimator::description() const {
  return fmt::format(
      "not measured: P = {:.0f} W + {:.0f} W x CPU utilisation of this process ({} CPUs)", idle_w_,
      max_w_ - idle_w_, cpus_);
}

std::optional<double> CpuEstimator::energy_j() {
  const double wall = to_seconds(wall_() - wall_origin_);
  const double busy = std::min(to_seconds(cpu_() - cpu_origin_) / cpus_, wall);
  return idle_w_ * wall + (max_w_ - idle_w_) * busy;
}

}  // namespace gb
