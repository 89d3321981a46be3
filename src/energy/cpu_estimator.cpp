#include "energy/cpu_estimator.h"

#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/errors.h"

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

Nanos other_process_cpu_time(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) {
    throw RunError("the CPU estimate's process " + std::to_string(pid) + " has ended");
  }
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  std::istringstream f(line.substr(line.rfind(')') + 1));
  std::string field;
  long long utime = -1, stime = -1;
  for (int i = 3; i <= 15 && f >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  if (utime < 0 || stime < 0) {
    throw RunError("cannot read the CPU time of process " + std::to_string(pid));
  }
  static const long ticks = sysconf(_SC_CLK_TCK);
  return Nanos((utime + stime) * 1000000000LL / ticks);
}

CpuEstimator::CpuEstimator(EstimatorParams params, Clock wall, Clock cpu)
    : idle_w_(params.idle_w),
      cpus_(params.cpus ? params.cpus : std::max(1u, std::thread::hardware_concurrency())),
      pid_(params.pid),
      wall_(wall ? std::move(wall) : Clock(steady_now)),
      cpu_(cpu          ? std::move(cpu)
           : params.pid ? Clock([pid = params.pid] { return other_process_cpu_time(pid); })
                        : Clock(process_cpu_time)) {
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
  return fmt::format("not measured: P = {:.0f} W + {:.0f} W x CPU utilisation of {} ({} CPUs)",
                     idle_w_, max_w_ - idle_w_,
                     pid_ ? "process " + std::to_string(pid_) : "this process", cpus_);
}

std::optional<double> CpuEstimator::energy_j() {
  const double wall = to_seconds(wall_() - wall_origin_);
  const double busy = std::min(to_seconds(cpu_() - cpu_origin_) / cpus_, wall);
  return idle_w_ * wall + (max_w_ - idle_w_) * busy;
}

}  // namespace gb
