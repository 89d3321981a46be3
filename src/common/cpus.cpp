#include "common/cpus.h"

#include <sched.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace gb {
namespace {

// A positive integer up to `max`; none for anything else.
std::optional<std::size_t> positive_count(const std::string& text, long long max = kMaxThreads) {
  try {
    std::size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size() && v > 0 && v <= max) return static_cast<std::size_t>(v);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// cgroup v2: the "0::/path" line of /proc/self/cgroup names the process's cgroup; its cpu.max is
// "max PERIOD" or "QUOTA PERIOD" (microseconds). Limits of the ancestors apply too: the smallest.
std::optional<std::size_t> cgroup_quota(const std::string& proc_self_cgroup,
                                        const std::string& root) {
  std::ifstream in(proc_self_cgroup);
  std::string line, path;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  }
  if (path.empty() || path.find("..") != std::string::npos) return std::nullopt;
  std::optional<std::size_t> best;
  for (;;) {
    std::ifstream f(root + path + "/cpu.max");
    std::string quota, period;
    if (f >> quota >> period && quota != "max") {
      // Microseconds: a quota of many CPUs is a large number.
      constexpr long long kMaxMicros = 1'000'000'000'000LL;
      const auto q = positive_count(quota, kMaxMicros), p = positive_count(period, kMaxMicros);
      if (q && p) {
        const auto cpus =
            static_cast<std::size_t>(std::ceil(static_cast<double>(*q) / static_cast<double>(*p)));
        if (!best || cpus < *best) best = std::max<std::size_t>(cpus, 1);
      }
    }
    if (path.empty() || path == "/") break;
    const auto slash = path.find_last_of('/');
    path = slash == 0 || slash == std::string::npos ? "" : path.substr(0, slash);
  }
  return best;
}

}  // namespace

std::size_t CpuLimits::usable() const {
  std::size_t n = affinity;
  for (const auto& limit : {quota, slurm}) {
    if (limit && (n == 0 || *limit < n)) n = *limit;
  }
  return n == 0 ? 1 : n;
}

std::string CpuLimits::describe() const {
  std::ostringstream out;
  out << usable() << " (affinity " << (affinity ? std::to_string(affinity) : "unknown");
  if (quota) out << ", cgroup quota " << *quota;
  if (slurm) out << ", SLURM_CPUS_PER_TASK " << *slurm;
  out << ")";
  return out.str();
}

CpuLimits cpu_limits(const std::string& proc_self_cgroup, const std::string& cgroup_root,
                     const std::function<const char*(const char*)>& getenv) {
  CpuLimits l;
  // Sized for the machine: a fixed cpu_set_t holds 1024 CPUs, and larger hosts exist.
  for (int n = 1024; n <= (1 << 20) && l.affinity == 0; n *= 4) {
    cpu_set_t* set = CPU_ALLOC(n);
    if (!set) break;
    const std::size_t size = CPU_ALLOC_SIZE(n);
    CPU_ZERO_S(size, set);
    const bool ok = sched_getaffinity(0, size, set) == 0;
    if (ok) l.affinity = CPU_COUNT_S(size, set);
    CPU_FREE(set);
    if (!ok && errno != EINVAL) break;
  }
  l.quota = cgroup_quota(proc_self_cgroup, cgroup_root);
  const char* slurm = getenv ? getenv("SLURM_CPUS_PER_TASK") : std::getenv("SLURM_CPUS_PER_TASK");
  if (slurm) l.slurm = positive_count(slurm);
  return l;
}

std::size_t usable_cpus() { return cpu_limits().usable(); }

std::size_t default_threads() {
  if (const char* omp = std::getenv("OMP_NUM_THREADS")) {
    if (const auto n = positive_count(omp)) return *n;
  }
  return usable_cpus();
}

}  // namespace gb
